/**
 * A tfjs LayersModel of the model builder -> an ONNX model (ModelProto bytes).
 * The ONNX model takes the same input as the tfjs one, NHWC float images [batch, H, W, C], and
 * gives the same output (logits, or probabilities for a softmax model). One Transpose at the input
 * turns the image to NCHW; every layer is then mapped in NCHW with its kernels transposed
 * (src/export/onnx-layers.ts), so the graph holds no other layout change.
 * Layers are visited in dependency order over the model's own nodes (those of a layer built but
 * not part of the model are skipped, as tfjs' own executor does).
 */
import type * as tf from '#tfjs';
import { UserError } from '../core/errors.js';
import { OnnxGraph } from './onnx-graph.js';
import { LAYER_MAPPINGS, type OnnxValue } from './onnx-layers.js';

export interface OnnxExport {
  bytes: Uint8Array;
  /** Node count by ONNX op type. */
  ops: Record<string, number>;
}

interface TfNode {
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
}

/** The (layer, node) pairs of the model in an order where every input comes before its use. */
function modelNodes(model: tf.LayersModel): Array<{ layer: tf.layers.Layer; node: TfNode }> {
  const keys = (model as unknown as { containerNodes: Set<string> }).containerNodes;
  const pending: Array<{ layer: tf.layers.Layer; node: TfNode }> = [];
  for (const layer of model.layers) {
    const nodes = (layer as unknown as { inboundNodes: TfNode[] }).inboundNodes;
    nodes.forEach((node, i) => {
      if (keys.has(`${layer.name}_ib-${i}`) && layer.getClassName() !== 'InputLayer') pending.push({ layer, node });
    });
  }
  const ready = new Set<number>(model.inputs.map((t) => t.id));
  const ordered: typeof pending = [];
  while (pending.length > 0) {
    const i = pending.findIndex((p) => p.node.inputTensors.every((t) => ready.has(t.id)));
    if (i < 0) throw new Error('the model graph has a node whose inputs are never computed');
    const [p] = pending.splice(i, 1);
    for (const t of p.node.outputTensors) ready.add(t.id);
    ordered.push(p);
  }
  return ordered;
}

/** Refuses a model the exporter cannot map, naming every unmapped layer class, before any work. */
export function checkOnnxExportable(model: tf.LayersModel): void {
  const missing = [...new Set(model.layers.map((l) => l.getClassName()).filter((c) => c !== 'InputLayer' && !(c in LAYER_MAPPINGS)))];
  if (missing.length > 0) {
    const layer = model.layers.find((l) => l.getClassName() === missing[0])!;
    throw new UserError(`layer ${layer.name} (${missing.join(', ')}) has no ONNX mapping (mapped: ${Object.keys(LAYER_MAPPINGS).join(', ')})`);
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new UserError(`ONNX export takes a model with one input and one output, this one has ${model.inputs.length} and ${model.outputs.length}`);
  const shape = model.inputs[0].shape;
  if (shape.length !== 4 || shape.slice(1).some((d) => d === null)) throw new UserError(`ONNX export needs a fixed image input [batch, H, W, C], got ${JSON.stringify(shape)}`);
}

export interface OnnxOptions {
  /** Text stored in the model's doc_string. */
  doc?: string;
  /**
   * 'nhwc' (default): the model takes and gives NHWC tensors, like the tfjs model. 'nchw': it takes
   * NCHW and gives image-shaped outputs as NCHW, with no Transpose at either end (bench ops times
   * the op itself, not the layout change around it).
   */
  io?: 'nhwc' | 'nchw';
}

/** Exports `model` (weights as they are now: initial or trained). */
export function modelToOnnx(model: tf.LayersModel, o: OnnxOptions = {}): OnnxExport {
  checkOnnxExportable(model);
  const nchw = o.io === 'nchw';
  const g = new OnnxGraph();
  const [, h, w, c] = model.inputs[0].shape as number[];
  const input = g.unique('image');
  const values = new Map<number, OnnxValue>();
  values.set(model.inputs[0].id, { name: nchw ? input : g.node('Transpose', [input], 'image_nchw', { perm: [0, 3, 1, 2] }), shape: [c, h, w] });
  for (const { layer, node } of modelNodes(model)) {
    const ins = node.inputTensors.map((t) => values.get(t.id)!);
    if (node.outputTensors.length !== 1) throw new UserError(`layer ${layer.name} has ${node.outputTensors.length} outputs; the ONNX export maps single-output layers`);
    values.set(node.outputTensors[0].id, LAYER_MAPPINGS[layer.getClassName()](g, layer, ins));
  }
  let out = values.get(model.outputs[0].id)!;
  // An image-shaped output goes back to NHWC, like the tfjs model's; an output that is the input needs a node to produce it.
  if (out.name === input) out = { name: g.node('Identity', [out.name], 'output'), shape: out.shape };
  else if (out.shape.length === 3 && !nchw) out = { name: g.node('Transpose', [out.name], 'output_nhwc', { perm: [0, 2, 3, 1] }), shape: [out.shape[1], out.shape[2], out.shape[0]] };
  const bytes = g.encode({ name: model.name, input, inputDims: nchw ? [null, c, h, w] : [null, h, w, c], output: out.name, outputDims: [null, ...out.shape], doc: o.doc });
  return { bytes, ops: g.opCounts() };
}
