#!/usr/bin/env python3
"""Seed corpus of the fuzz harnesses (tests/fuzz, docs/testing.md): a few dozen small
inputs covering every header flag, value encoding and size class, written to OUTDIR.
Deterministic: `make fuzz` and `make test-fuzz` regenerate it before each run.

Input layout (fuzz_input.hpp): 13 header bytes, then the values."""
import os
import random
import struct
import sys


def header(rng, flags, i):
    # byte 12 picks the entry (fuzz_tables) or the group of estimators (fuzz_estimators)
    return bytes([flags] + [rng.randrange(256) for _ in range(11)] + [i % 256])


def values(rng, encoding, n, kind):
    if encoding == 0:  # palette bytes: specials below 32, ties above
        if kind == "ties":
            return bytes(rng.choice([140, 144, 148, 152]) for _ in range(n))
        if kind == "special":
            return bytes(rng.randrange(32) for _ in range(n))
        return bytes(rng.randrange(256) for _ in range(n))
    if encoding == 1:  # raw doubles (the float harness reads 4-byte floats from them)
        out = b""
        for i in range(n):
            v = rng.gauss(3.0, 2.0) if kind != "sorted" else i * 0.25
            if kind == "special" and i % 7 == 3:
                v = rng.choice([float("inf"), -float("inf"), float("nan"), 5e-324, 1e308, -0.0])
            out += struct.pack("<d", v)
        return out
    if encoding == 2:  # int16 / 16
        return b"".join(struct.pack("<h", rng.randrange(-200, 200) if kind != "sorted" else i)
                        for i in range(n))
    out = b""  # mixed: palette tags and raw values
    for _ in range(n):
        if rng.random() < 0.8:
            out += bytes([rng.randrange(224)])
        else:
            out += bytes([230]) + struct.pack("<d", rng.gauss(0.0, 1e6))
    return out


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(20261206)
    i = 0
    for n in (0, 1, 2, 3, 8, 17, 100, 600):
        for encoding in range(4):
            for kind in ("random", "ties", "special", "sorted"):
                if n > 100 and kind == "sorted":
                    continue
                # flags: dtype, nan_policy, encoding, stride
                flags = (rng.randrange(2) | rng.randrange(4) << 1 | encoding << 3
                         | rng.randrange(4) << 5)
                data = header(rng, flags, i) + values(rng, encoding, n, kind)
                with open(os.path.join(out, f"seed-{i:03d}"), "wb") as f:
                    f.write(data)
                i += 1
    print(f"make_corpus: {i} seeds in {out}")


if __name__ == "__main__":
    main()
