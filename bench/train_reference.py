#!/usr/bin/python3
"""PyTorch reference for `nas bench train`: trains the same network as the tfjs benchmark.

The network is read from the tfjs model's topology (model.toJSON(), Keras format) and
rebuilt layer by layer with TensorFlow's padding rules, so both sides train exactly the same
graph. Prints one JSON line: {"imagesPerSec": ..., "torch": version, "threads": n}.

usage: train_reference.py MODEL_JSON --batch 64 --steps 20 --warmup 2 --threads 1
"""
import argparse
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def same_pad(size, k, s, d=1):
    """TensorFlow 'same' padding (extra pixel at the bottom/right)."""
    eff = (k - 1) * d + 1
    out = math.ceil(size / s)
    total = max((out - 1) * s + eff - size, 0)
    return total // 2, total - total // 2


def pad_for(x, k, s, d, padding, value=0.0):
    if padding != 'same':
        return x
    t, b = same_pad(x.shape[2], k[0], s[0], d[0])
    l, r = same_pad(x.shape[3], k[1], s[1], d[1])
    return F.pad(x, (l, r, t, b), value=value) if (t or b or l or r) else x


class Graph(nn.Module):
    """Runs a Keras-format functional topology in NCHW."""

    def __init__(self, topo):
        super().__init__()
        cfg = topo['config']
        self.layers = cfg['layers']
        self.output = cfg['output_layers'][0][0]
        self.input = cfg['input_layers'][0][0]
        self.mods = nn.ModuleDict()
        channels = {}
        for layer in self.layers:
            name, cls, c = layer['name'], layer['class_name'], layer['config']
            ins = [n[0] for n in layer['inbound_nodes'][0]] if layer['inbound_nodes'] else []
            cin = channels[ins[0]] if ins else None
            if cls == 'InputLayer':
                channels[name] = c['batch_input_shape'][-1]
            elif cls in ('Conv2D', 'AtrousConv2D'):
                k = c.get('kernel_size', [c.get('kernelSize', 3)] * 2)
                dil = c.get('dilation_rate', [c.get('rate', 1)] * 2)
                self.mods[name] = nn.Conv2d(cin, c['filters'], k, c.get('strides', [1, 1]), 0, dil, bias=c.get('use_bias', False))
                channels[name] = c['filters']
            elif cls in ('SeparableConv2D', 'DepthwiseConv2D'):
                m = c.get('depth_multiplier', 1)
                dw = nn.Conv2d(cin, cin * m, c['kernel_size'], c['strides'], 0, c['dilation_rate'], groups=cin, bias=cls == 'DepthwiseConv2D' and c['use_bias'])
                if cls == 'SeparableConv2D':
                    self.mods[name] = nn.Sequential(dw, nn.Conv2d(cin * m, c['filters'], 1, bias=c['use_bias']))
                    channels[name] = c['filters']
                else:
                    self.mods[name] = dw
                    channels[name] = cin * m
            elif cls == 'BatchNormalization':
                self.mods[name] = nn.BatchNorm2d(cin, eps=c['epsilon'], momentum=1 - c['momentum'])
                channels[name] = cin
            elif cls == 'Dense':
                self.mods[name] = nn.Linear(cin, c['units'], bias=c['use_bias'])
                channels[name] = c['units']
            elif cls == 'Concatenate':
                channels[name] = sum(channels[i] for i in ins)
            else:
                channels[name] = cin

    def forward(self, image):
        vals = {self.input: image}
        for layer in self.layers:
            name, cls, c = layer['name'], layer['class_name'], layer['config']
            if cls == 'InputLayer':
                continue
            xs = [vals[n[0]] for n in layer['inbound_nodes'][0]]
            x = xs[0]
            if cls in ('Conv2D', 'AtrousConv2D', 'SeparableConv2D', 'DepthwiseConv2D'):
                conv = self.mods[name][0] if cls == 'SeparableConv2D' else self.mods[name]
                x = pad_for(x, conv.kernel_size, conv.stride, conv.dilation, c.get('padding', 'same'))
                y = self.mods[name](x)
                act = c.get('activation', 'linear')
                if act == 'relu':
                    y = F.relu(y)
                elif act not in ('linear', None):
                    raise SystemExit(f'unsupported activation {act}')
            elif cls == 'BatchNormalization':
                y = self.mods[name](x)
            elif cls == 'ReLU' or (cls == 'Activation' and c['activation'] == 'relu'):
                y = F.relu(x)
            elif cls == 'MaxPooling2D':
                k, s = c['pool_size'], c['strides']
                y = F.max_pool2d(pad_for(x, k, s, (1, 1), c['padding'], -math.inf), k, s)
            elif cls == 'AveragePooling2D':
                k, s = c['pool_size'], c['strides']
                if c['padding'] == 'same':
                    # tfjs averages over the valid pixels only.
                    total = F.avg_pool2d(pad_for(x, k, s, (1, 1), 'same'), k, s, divisor_override=1)
                    ones = torch.ones_like(x[:1, :1])
                    count = F.avg_pool2d(pad_for(ones, k, s, (1, 1), 'same'), k, s, divisor_override=1)
                    y = total / count
                else:
                    y = F.avg_pool2d(x, k, s)
            elif cls == 'Add':
                y = xs[0]
                for other in xs[1:]:
                    y = y + other
            elif cls == 'Concatenate':
                y = torch.cat(xs, dim=1)
            elif cls == 'ZeroPadding2D':
                (t, b), (l, r) = c['padding']
                y = F.pad(x, (l, r, t, b))
            elif cls == 'Cropping2D':
                (t, b), (l, r) = c['cropping']
                y = x[:, :, t:x.shape[2] - b, l:x.shape[3] - r]
            elif cls == 'GlobalAveragePooling2D':
                y = x.mean(dim=(2, 3))
            elif cls == 'Dense':
                y = self.mods[name](x)
            else:
                raise SystemExit(f'train_reference.py: unsupported layer {cls}')
            vals[name] = y
        return vals[self.output]


def main():
    p = argparse.ArgumentParser()
    p.add_argument('model')
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--steps', type=int, default=20)
    p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    with open(a.model) as f:
        topo = json.load(f)
    net = Graph(topo)
    shape = topo['config']['layers'][0]['config']['batch_input_shape']
    h, w, c = shape[1], shape[2], shape[3]
    x = torch.randn(a.batch, c, h, w)
    y = torch.randint(0, 10, (a.batch,))
    opt = torch.optim.SGD(net.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()

    for _ in range(a.warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    dt = time.perf_counter() - t0
    params = sum(p.numel() for p in net.parameters())
    print(json.dumps({'imagesPerSec': a.batch * a.steps / dt, 'torch': torch.__version__, 'threads': a.threads, 'params': params}))


if __name__ == '__main__':
    sys.exit(main())
