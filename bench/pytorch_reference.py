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


def train(x, widths, activation, batch, epochs, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = nn.Sequential(*mirrored(widths, activation), *mirrored(widths[::-1], activation))
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCEWithLogitsLoss()
    n = x.shape[0]
    start = time.perf_counter()
    for _ in range(epochs):
        total = torch.zeros(())
        order = torch.randperm(n)
        for i in range(0, n, batch):
            rows = x[order[i:i + batch]]
            optimiser.zero_grad()
            loss = loss_fn(model(rows), rows)
            loss.backward()
            optimiser.step()
            total += loss.detach() * rows.shape[0]
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "final_train_loss": total.item() / n, "threads": threads}


def main():
    x = torch.from_numpy(read_images(f"{sys.argv[1]}/train-images-idx3-ubyte").astype(np.float32) / 255.0)
    # PyTorch's best intra-op thread count is not obvious (with OpenBLAS, 2 threads oversubscribe the
    # cores that OpenBLAS's own threads already use): run both and report the faster.
    seed = min((train(x, [784, 2], None, 32, 5, t) for t in (1, 2)), key=lambda r: r["seconds"])
    deep = min((train(x, [784, 512, 256, 2], nn.ReLU, 256, 1, t) for t in (1, 2)), key=lambda r: r["seconds"])
    print(json.dumps({"torch": torch.__version__, "seed": seed, "deep_epoch": deep}))


if __name__ == "__main__":
    main()
