"""Data sources: the UCI digits shipped in Debian's python3-sklearn, Fashion-MNIST IDX files from
Debian's dataset-fashion-mnist. Nothing is downloaded."""
import gzip
import hashlib
import os

import numpy as np

FASHION_DIR = "/usr/share/datasets/fashion-mnist"
DIGITS_SPLIT_SEED = 0     # sklearn train_test_split random_state
DIGITS_TEST_FRACTION = 0.25


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def digits_csv_path():
    import sklearn.datasets
    return os.path.join(os.path.dirname(sklearn.datasets.__file__), "data", "digits.csv.gz")


def load_digits_split():
    """Returns (x_train, y_train, x_test, y_test, test_indices). Images are float32 N x 1 x 8 x 8,
    pixel counts 0..16 divided by 16 (exact in float32); labels int64. The split is a stratified
    sklearn train_test_split of the 1797 rows of digits.csv.gz (test_size=0.25, random_state=0);
    test_indices are the rows of digits.csv.gz in test order."""
    from sklearn.model_selection import train_test_split
    raw = np.loadtxt(digits_csv_path(), delimiter=",", dtype=np.float64)
    pixels, labels = raw[:, :64], raw[:, 64].astype(np.int64)
    assert pixels.shape == (1797, 64) and pixels.min() >= 0 and pixels.max() <= 16
    images = (pixels.astype(np.float32) / np.float32(16.0)).reshape(-1, 1, 8, 8)
    idx_train, idx_test = train_test_split(np.arange(len(labels)), test_size=DIGITS_TEST_FRACTION,
                                           random_state=DIGITS_SPLIT_SEED, stratify=labels)
    return (images[idx_train], labels[idx_train], images[idx_test], labels[idx_test],
            idx_test.astype(np.int64))


def read_idx(path):
    """Reads a (gzip-compressed) IDX file of unsigned bytes."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    assert magic >> 8 == 0x08, f"{path}: not an unsigned-byte IDX file"
    ndim = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion_paths(split):
    prefix = "train" if split == "train" else "t10k"
    return (os.path.join(FASHION_DIR, f"{prefix}-images-idx3-ubyte.gz"),
            os.path.join(FASHION_DIR, f"{prefix}-labels-idx1-ubyte.gz"))


def load_fashion(split):
    """Returns float32 N x 1 x 28 x 28 images (uint8 / 255, float32 division) and int64 labels."""
    image_path, label_path = fashion_paths(split)
    images = read_idx(image_path)
    labels = read_idx(label_path).astype(np.int64)
    x = (images.astype(np.float32) / np.float32(255.0)).reshape(-1, 1, 28, 28)
    return x, labels
