/**
 * A small builder for one ONNX graph, encoded with onnx-proto (the protobufjs build of ONNX's
 * onnx.proto): float32 initializers, nodes with int / ints / float attributes, one float input and
 * one float output. Operator semantics are those of the ONNX operator documentation at opset
 * OPSET (onnx/docs/Operators.md); IR version 7 is the one of ONNX 1.8, which introduced opset 13.
 */
import onnxProto from '#onnx-proto';

const { onnx } = onnxProto;

/** The default-domain opset the exporter writes. */
export const OPSET = 13;
const IR_VERSION = 7;

export type Attr = number | number[] | { float: number };

export class OnnxGraph {
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private readonly used = new Set<string>();
  private count = 0;

  /** A name not used yet in the graph, from `base`. */
  unique(base: string): string {
    let name = base.replace(/[^A-Za-z0-9_./:-]/g, '_');
    while (this.used.has(name)) name = `${base}_${++this.count}`;
    this.used.add(name);
    return name;
  }

  /** A float32 constant (weights, BN statistics, scalars). */
  float(base: string, dims: number[], values: Float32Array): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (values.length !== size) throw new Error(`initializer ${base}: ${values.length} values for dims ${dims.join('x')}`);
    const name = this.unique(base);
    const raw = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
    this.initializers.push(onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: littleEndian(raw) }));
    return name;
  }

  /** An int64 constant (Pad's pads, Slice's starts/ends/axes). */
  int64(base: string, values: number[]): string {
    const name = this.unique(base);
    this.initializers.push(onnx.TensorProto.create({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: values }));
    return name;
  }

  /** Adds a node; returns its (single) output name. */
  node(op: string, inputs: string[], base: string, attrs: Record<string, Attr> = {}): string {
    const output = this.unique(base);
    const attribute = Object.entries(attrs).map(([name, v]) => attribute_(name, v));
    this.nodes.push(onnx.NodeProto.create({ opType: op, input: inputs, output: [output], name: output, attribute }));
    return output;
  }

  /** The serialized ModelProto with one float input (dims, null = dynamic batch) and one output. */
  encode(o: { name: string; input: string; inputDims: (number | null)[]; output: string; outputDims: (number | null)[]; doc?: string }): Uint8Array {
    const valueInfo = (name: string, dims: (number | null)[]) => onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: onnx.TensorProto.DataType.FLOAT,
          shape: { dim: dims.map((d, i) => (d === null ? { dimParam: i === 0 ? 'batch' : `d${i}` } : { dimValue: d })) },
        },
      },
    });
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'nas',
      docString: o.doc ?? '',
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name: o.name,
        node: this.nodes,
        initializer: this.initializers,
        input: [valueInfo(o.input, o.inputDims)],
        output: [valueInfo(o.output, o.outputDims)],
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  /** Node count by op type (reports, tests). */
  opCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const n of this.nodes) out[n.opType] = (out[n.opType] ?? 0) + 1;
    return out;
  }
}

function attribute_(name: string, v: Attr): InstanceType<typeof onnx.AttributeProto> {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return onnx.AttributeProto.create({ name, type: T.INT, i: v });
  if (Array.isArray(v)) return onnx.AttributeProto.create({ name, type: T.INTS, ints: v });
  return onnx.AttributeProto.create({ name, type: T.FLOAT, f: v.float });
}

/** TensorProto.raw_data is little-endian; so is every machine nas runs on, but say so. */
function littleEndian(bytes: Uint8Array): Uint8Array {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 4) for (let k = 0; k < 4; k++) out[i + k] = bytes[i + 3 - k];
  return out;
}
