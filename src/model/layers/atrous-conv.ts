/**
 * A dilated ("atrous") k x k convolution at stride 1 with 'same' padding (Yu & Koltun 2016,
 * "Multi-Scale Context Aggregation by Dilated Convolutions"), as a layer that trains on
 * every tfjs backend: tfjs has no gradient for conv2d with dilation > 1.
 * NOTE: it convolves with the equivalent dense kernel of side (k-1)*rate+1 (the k x k
 * weights with rate-1 zeros between taps, placed by a constant 0/1 matrix product, which
 * has gradients). That costs (5/3)^2 = 2.8x the multiply-adds of a 3x3 at rate 2, yet measured
 * 2.6x faster than the space-to-batch form (Chen et al. 2017) on tfjs's cpu backend, whose
 * SpaceToBatchND/BatchToSpaceND transposes dominate the step (bench numbers in docs/spaces.md).
 * Registered with tf.serialization so saved models load (import src/model/layers/index.js).
 */
import * as tf from '#tfjs';

export interface AtrousConv2DArgs {
  filters: number;
  kernelSize?: number;
  rate?: number;
  /** Seed of the He-normal kernel initializer. */
  seed?: number;
  name?: string;
  trainable?: boolean;
}

/** k x k conv with dilation `rate`, stride 1, 'same' padding, no bias. Input NHWC. */
export class AtrousConv2D extends tf.layers.Layer {
  static className = 'AtrousConv2D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly rate: number;
  readonly seed: number | undefined;
  private kernel?: tf.LayerVariable;
  private placement?: Float32Array;

  constructor(args: AtrousConv2DArgs) {
    super({ name: args.name, trainable: args.trainable });
    this.filters = args.filters;
    this.kernelSize = args.kernelSize ?? 3;
    this.rate = args.rate ?? 2;
    this.seed = args.seed;
    if (this.kernelSize % 2 !== 1) throw new Error(`AtrousConv2D: kernel size must be odd, got ${this.kernelSize}`);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inC = shape[3] as number;
    this.kernel = this.addWeight('kernel', [this.kernelSize, this.kernelSize, inC, this.filters], 'float32', tf.initializers.heNormal({ seed: this.seed }));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0], s[1], s[2], this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      return tf.conv2d(x, this.denseKernel(), 1, 'same');
    });
  }

  /** The k x k kernel spread to side (k-1)*rate+1 with zeros between the taps. */
  private denseKernel(): tf.Tensor4D {
    const w = this.kernel!.read() as tf.Tensor4D;
    const [k, , c, f] = w.shape;
    const r = this.rate;
    if (r === 1) return w;
    const side = (k - 1) * r + 1;
    // A 0/1 placement matrix [side^2, k^2] times the taps [k^2, c*f]: one matMul forward and
    // backward, cheaper on tfjs than stack/reshape/slice with their gradients.
    if (!this.placement) {
      this.placement = new Float32Array(side * side * k * k);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) this.placement[(i * r * side + j * r) * k * k + i * k + j] = 1;
    }
    const place = tf.tensor2d(this.placement, [side * side, k * k]);
    return tf.matMul(place, w.reshape([k * k, c * f])).reshape([side, side, c, f]) as tf.Tensor4D;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, rate: this.rate, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}

tf.serialization.registerClass(AtrousConv2D);
