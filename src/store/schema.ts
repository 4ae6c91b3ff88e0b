/**
 * The store's schema as an ordered list of migrations (Optuna's RDB storage keeps its schema
 * versioned the same way). A new store runs them all; an older store runs the ones it lacks,
 * inside one transaction, when a writer opens it. Never edit a released migration: append one.
 */

/** Written to meta.app so a store is told apart from another application's SQLite file. */
export const APP_MARKER = 'nas';

/** One step of the schema: `up` turns version `version - 1` into `version`. */
export interface Migration {
  version: number;
  up: string;
  /**
   * True when this code reads a store that lacks the step correctly (it only adds nullable
   * columns read as null): `nas runs` / `nas show` / dashboards then read an older store as it
   * is, without waiting for a writer to upgrade it.
   */
  readable?: boolean;
}

/** Every migration, in order. The last one's version is the version this code writes. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    up: `
      CREATE TABLE runs (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        status      TEXT NOT NULL CHECK (status IN ('running', 'complete', 'interrupted', 'failed')),
        config      TEXT NOT NULL,            -- RunConfig as JSON
        backend     TEXT,                     -- the backend actually used, once known
        created_at  TEXT NOT NULL,            -- ISO 8601
        updated_at  TEXT NOT NULL
      );

      CREATE TABLE trials (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        number       INTEGER NOT NULL,        -- 1-based order within the run
        key          TEXT NOT NULL,           -- canonical genotype key (de-duplication)
        genotype     TEXT NOT NULL,           -- Genotype as JSON
        status       TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'interrupted')),
        reward       REAL,
        metrics      TEXT,                    -- TrialMetrics as JSON
        params       INTEGER,
        mult_adds    INTEGER,
        seconds      REAL,
        error        TEXT,
        parent_id    INTEGER REFERENCES trials(id),
        mutation     TEXT,                    -- Mutation as JSON
        origin       TEXT NOT NULL,
        baseline     TEXT,
        worker       TEXT,
        created_at   TEXT NOT NULL,
        finished_at  TEXT,
        UNIQUE (run_id, number)
      );
      CREATE INDEX trials_run_status ON trials(run_id, status);
      CREATE INDEX trials_run_key ON trials(run_id, key);
      CREATE INDEX trials_parent ON trials(parent_id);

      CREATE TABLE strategy_state (
        run_id      INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        state       TEXT NOT NULL,            -- Strategy.state() as JSON
        updated_at  TEXT NOT NULL
      );

      CREATE TABLE worker_progress (
        run_id          INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        worker          TEXT NOT NULL,
        trial_id        INTEGER NOT NULL,
        epoch           INTEGER NOT NULL,
        epochs          INTEGER NOT NULL,
        batch           INTEGER NOT NULL,
        batches         INTEGER NOT NULL,
        loss            REAL,
        images_per_sec  REAL,
        updated_at      TEXT NOT NULL,
        PRIMARY KEY (run_id, worker)
      );

      CREATE TABLE replays (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id          INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        trial_id        INTEGER REFERENCES trials(id) ON DELETE SET NULL,
        label           TEXT NOT NULL,
        genotype        TEXT NOT NULL,        -- Genotype as JSON
        config          TEXT NOT NULL,        -- training settings as JSON
        status          TEXT NOT NULL CHECK (status IN ('running', 'complete', 'interrupted', 'failed')),
        test_accuracy   REAL,
        params          INTEGER,
        mult_adds       INTEGER,
        seconds         REAL,
        backend         TEXT,
        checkpoint_dir  TEXT,
        created_at      TEXT NOT NULL,
        finished_at     TEXT
      );
      CREATE INDEX replays_run ON replays(run_id);

      CREATE TABLE curve_points (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        replay_id       INTEGER REFERENCES replays(id) ON DELETE CASCADE,
        trial_id        INTEGER REFERENCES trials(id) ON DELETE CASCADE,
        epoch           INTEGER NOT NULL,
        train_loss      REAL,
        train_accuracy  REAL,
        val_loss        REAL,
        val_accuracy    REAL,
        seconds         REAL NOT NULL,
        CHECK ((replay_id IS NULL) <> (trial_id IS NULL))
      );
      CREATE UNIQUE INDEX curve_replay_epoch ON curve_points(replay_id, epoch) WHERE replay_id IS NOT NULL;
      CREATE UNIQUE INDEX curve_trial_epoch ON curve_points(trial_id, epoch) WHERE trial_id IS NOT NULL;
    `,
  },
  {
    // Who holds a run or a replay (src/store/owner.ts): a killed process is told from a live one,
    // and a second --resume cannot take over a run or replay whose process still runs.
    version: 2,
    readable: true,
    up: `
      ALTER TABLE runs ADD COLUMN owner TEXT;
      ALTER TABLE replays ADD COLUMN owner TEXT;
    `,
  },
  {
    // Studies (`nas fidelity`): a fixed set of cells, each scored by estimators at seeds. One row per
    // (cell, estimator, seed) that finished, so a resumed study computes exactly what is missing.
    version: 3,
    readable: true,
    up: `
      CREATE TABLE studies (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        kind        TEXT NOT NULL,            -- 'fidelity'
        status      TEXT NOT NULL CHECK (status IN ('running', 'complete', 'interrupted', 'failed')),
        config      TEXT NOT NULL,            -- the study's settings as JSON (dataset, reference, estimators, seeds)
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        owner       TEXT
      );
      CREATE TABLE study_cells (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        study_id    INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,         -- 1-based order within the study
        label       TEXT NOT NULL,            -- "random 3", "run 1 trial 108", "baseline resnet"
        source      TEXT NOT NULL,            -- 'random' | 'run' | 'baseline'
        key         TEXT NOT NULL,
        genotype    TEXT NOT NULL,
        UNIQUE (study_id, position),
        UNIQUE (study_id, key)
      );
      CREATE TABLE study_scores (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        cell_id      INTEGER NOT NULL REFERENCES study_cells(id) ON DELETE CASCADE,
        estimator    TEXT NOT NULL,           -- 'reference', 'proxy:<name>', a zero-cost estimator, 'params', ...
        seed         INTEGER NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('complete', 'failed')),
        value        REAL,                    -- the score (accuracy in [0, 1] for trained ones); NULL when failed
        cpu_seconds  REAL,
        seconds      REAL,
        metrics      TEXT,                    -- JSON: loss, params, mult-adds, images/s, backend ...
        error        TEXT,
        created_at   TEXT NOT NULL,
        UNIQUE (cell_id, estimator, seed)
      );
    `,
  },
  {
    // Multi-fidelity search (successive halving / Hyperband): every rung a trial reached keeps its own
    // row (never overwritten), with the trained state a promotion continues from; the trial row holds
    // the reward at its highest complete rung. The rung scheduler's state is saved beside the strategy's.
    version: 4,
    readable: true,
    up: `
      CREATE TABLE trial_rungs (
        trial_id     INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
        rung         INTEGER NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'interrupted')),
        reward       REAL,
        metrics      TEXT,
        seconds      REAL,
        cpu_seconds  REAL,
        error        TEXT,
        worker       TEXT,
        state        BLOB,                    -- the trained network and optimizer, when a higher rung continues it
        created_at   TEXT NOT NULL,
        finished_at  TEXT,
        PRIMARY KEY (trial_id, rung)
      );
      ALTER TABLE trials ADD COLUMN rung INTEGER;             -- highest complete rung; NULL in a single-fidelity run
      ALTER TABLE strategy_state ADD COLUMN scheduler TEXT;   -- the rung scheduler's state as JSON
    `,
  },
  {
    // Comparisons (`nas compare`): models trained side by side under one protocol, each entry one
    // replay (linked once it exists, so a resume continues it), and every replay's test score per
    // epoch (the survey's test curves; the replay itself scores the test split only at the end).
    version: 5,
    readable: true,
    up: `
      CREATE TABLE comparisons (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        status      TEXT NOT NULL CHECK (status IN ('running', 'complete', 'interrupted', 'failed')),
        config      TEXT NOT NULL,            -- ComparisonConfig as JSON (models, protocol, dataset, folder)
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        owner       TEXT
      );
      CREATE TABLE comparison_entries (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        comparison_id   INTEGER NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
        position        INTEGER NOT NULL,     -- 1-based row of the table
        name            TEXT NOT NULL,        -- the model ("resnet", "trial 17") or the regulariser ("cutout")
        spec            TEXT NOT NULL,        -- what to train, as JSON: genotype, space, macro, settings
        checkpoint_dir  TEXT NOT NULL,
        replay_id       INTEGER REFERENCES replays(id) ON DELETE SET NULL,
        error           TEXT,                 -- why its last training failed; NULL otherwise
        UNIQUE (comparison_id, position)
      );
      CREATE TABLE replay_test_points (
        replay_id      INTEGER NOT NULL REFERENCES replays(id) ON DELETE CASCADE,
        epoch          INTEGER NOT NULL,
        test_loss      REAL,
        test_accuracy  REAL,
        PRIMARY KEY (replay_id, epoch)
      );
    `,
  },
];

/** The schema version this code reads and writes. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1].version;
