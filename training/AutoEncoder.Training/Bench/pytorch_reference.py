"""PyTorch reference for `autoencoder bench`: the same training loops, timed the usual PyTorch way.

The whole training set is one float tensor; each epoch draws torch.randperm and slices batches by
index; loss is BCE with logits; the optimiser is Adam. Prints one JSON object.

usage: python3 pytorch_reference.py MNIST_DIR
"""
import json
import struct
import sys
import time

import numpy as np
import torch
from torch import nn


def read_images(path):
    with open(path, "rb") as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        assert magic == 0x803, f"{path}: not an IDX image file"
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(count, rows * cols)


def mirrored(widths, activation):
    """Linear layers through widths with `activation` between them, none after the last."""
    layers = []
    for i in range(len(widths) - 1):
        if i > 0 and activation is not None:
            layers.append(activation())
        layers.append(nn.Linear(widths[i], widths[i + 1]))
    return layers


def dense(widths, activation):
    return nn.Sequential(*mirrored(widths, activation), *mirrored(widths[::-1], activation))


def convolutional(channels, hidden, latent):
    """The conv preset's shape: 3x3 stride-2 convolutions, ReLU, dense layers to the code, mirrored back
    with transposed convolutions (output_padding 1), rows of 784 in and out."""
    encoder = [nn.Unflatten(1, (1, 28, 28))]
    previous, side = 1, 28
    for c in channels:
        encoder += [nn.Conv2d(previous, c, 3, stride=2, padding=1), nn.ReLU()]
        previous, side = c, (side + 1) // 2
    widths = [previous * side * side, *hidden, latent]
    decoder = [nn.ReLU(), nn.Unflatten(1, (previous, side, side))]
    for i in reversed(range(len(channels))):
        target = channels[i - 1] if i > 0 else 1
        decoder.append(nn.ConvTranspose2d(channels[i], target, 3, stride=2, padding=1, output_padding=1))
        if i > 0:
            decoder.append(nn.ReLU())
    return nn.Sequential(*encoder, nn.Flatten(), *mirrored(widths, nn.ReLU),
                         *mirrored(widths[::-1], nn.ReLU), *decoder, nn.Flatten())


class Vae(nn.Module):
    """The vae preset's network: 784-512-256 ReLU, mean and log-variance heads of 2, the decoder mirrored."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU())
        self.mean = nn.Linear(256, 2)
        self.log_variance = nn.Linear(256, 2)
        self.decoder = nn.Sequential(*mirrored([2, 256, 512, 784], nn.ReLU))

    def forward(self, x):
        hidden = self.body(x)
        mean, log_variance = self.mean(hidden), self.log_variance(hidden)
        code = mean + torch.exp(0.5 * log_variance) * torch.randn_like(mean)
        return self.decoder(code), mean, log_variance


def negative_elbo(model, rows):
    """Per row: BCE summed over pixels plus the KL divergence from N(0, I), averaged over the batch."""
    logits, mean, log_variance = model(rows)
    reconstruction = nn.functional.binary_cross_entropy_with_logits(logits, rows, reduction="sum")
    divergence = -0.5 * torch.sum(1 + log_variance - mean.pow(2) - log_variance.exp())
    return (reconstruction + divergence) / rows.shape[0]


def bce(model, rows):
    return nn.functional.binary_cross_entropy_with_logits(model(rows), rows)


def train(x, build, batch, epochs, threads, loss_fn=bce):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = build()
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    n = x.shape[0]
    start = time.perf_counter()
    for _ in range(epochs):
        total = torch.zeros(())
        order = torch.randperm(n)
        for i in range(0, n, batch):
            rows = x[order[i:i + batch]]
            optimiser.zero_grad()
            loss = loss_fn(model, rows)
            loss.backward()
            optimiser.step()
            total += loss.detach() * rows.shape[0]
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "final_train_loss": total.item() / n, "threads": threads}


def main():
    x = torch.from_numpy(read_images(f"{sys.argv[1]}/train-images-idx3-ubyte").astype(np.float32) / 255.0)
    # PyTorch's best intra-op thread count is not obvious (with OpenBLAS, 2 threads oversubscribe the
    # cores that OpenBLAS's own threads already use): run both and report the faster.
    def best(build, batch, epochs, repeats=1, loss_fn=bce):
        runs = (train(x, build, batch, epochs, t, loss_fn) for t in (1, 2) for _ in range(repeats))
        return min(runs, key=lambda r: r["seconds"])

    seed = best(lambda: dense([784, 2], None), 32, 5)
    deep = best(lambda: dense([784, 512, 256, 2], nn.ReLU), 256, 1)
    # The conv preset's architecture (TrainingConfig.ConvPreset): keep the two in step. The faster of two
    # epochs per thread count, as `autoencoder bench` takes the faster of two of its own: single epochs
    # varied by up to 45% between runs on the 2-core machine here (2026-12-02).
    conv = best(lambda: convolutional([32, 64], [96, 512, 256], 2), 128, 1, repeats=2)
    # The vae preset's loop (TrainingConfig.VaePreset: batch 128, Adam 1e-3), two of its 30 epochs.
    vae = best(lambda: Vae(), 128, 2, loss_fn=negative_elbo)
    print(json.dumps({"torch": torch.__version__, "seed": seed, "deep_epoch": deep, "conv_epoch": conv, "vae_epochs": vae}))


if __name__ == "__main__":
    main()
