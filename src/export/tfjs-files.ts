/**
 * Saving and loading tfjs LayersModels as files (model.json + weights.bin) with the pure-JS
 * tfjs package, which has no file:// handler (that lives in tfjs-node). The files are the
 * standard tfjs "layers-model" format: tfjs-node's `tf.loadLayersModel('file://.../model.json')`
 * and the browser's loader read them too.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '#tfjs';

/** Writes `model` to dir/model.json and dir/weights.bin. */
export async function saveModelFiles(model: tf.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData ? Buffer.from(tf.io.concatenateArrayBuffers(toList(artifacts.weightData))) : Buffer.alloc(0);
      writeFileSync(join(dir, 'weights.bin'), weights);
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

/** A tfjs IOHandler reading dir/model.json and its weight files: `tf.loadLayersModel(modelFiles(dir))`. */
export function modelFiles(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of json.weightsManifest as tf.io.WeightsManifestConfig) {
        specs.push(...group.weights);
        for (const p of group.paths) {
          const b = readFileSync(join(dir, p));
          buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
        }
      }
      return { modelTopology: json.modelTopology, format: json.format, generatedBy: json.generatedBy, weightSpecs: specs, weightData: tf.io.concatenateArrayBuffers(buffers) };
    },
  };
}

function toList(d: ArrayBuffer | ArrayBuffer[]): ArrayBuffer[] {
  return Array.isArray(d) ? d : [d];
}
