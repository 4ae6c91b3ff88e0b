/** The strategy registry: one entry per strategy, each one file with ask()/tell()/state()/restore(). */
import { UserError } from '../core/errors.js';
import type { Strategy, StrategyContext } from './types.js';
import { RandomSearch } from './random.js';
import { RegularizedEvolution } from './evolution.js';
import { createReinforceStrategy } from './reinforce/reinforce-strategy.js';
import { createSmboStrategy } from './smbo/smbo-strategy.js';

type Factory = (ctx: StrategyContext) => Strategy | Promise<Strategy>;

const registry: Record<string, Factory> = {
  random: (ctx) => new RandomSearch(ctx),
  evolution: (ctx) => new RegularizedEvolution(ctx),
  reinforce: createReinforceStrategy,
  smbo: createSmboStrategy,
};

/** Names accepted by --strategy. */
export function strategyNames(): string[] {
  return Object.keys(registry);
}

/** Creates a strategy by name; an unknown name is a UserError listing the known ones. */
export async function createStrategy(name: string, ctx: StrategyContext): Promise<Strategy> {
  const factory = registry[name];
  if (!factory) throw new UserError(`unknown strategy "${name}" (known: ${strategyNames().join(', ')})`);
  return factory(ctx);
}
