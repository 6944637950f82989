"""Every stored vector as one matrix in this process's memory, for nearest-item queries.

100,000 items are a 200 MB float32 matrix, and one matrix-vector product over it reads all 200 MB
(40 ms on this machine's loaded cores). So a query first scans a 128-dimensional projection of the
rows (their principal directions, fitted on a sample at each full read: a quarter of the memory to
read), then ranks its best 512 candidates exactly on the full vectors. Below 5,000 rows the full
matrix is scanned directly. The matrix is read from the database once per process and then kept
current: the embedding task bumps a version in the cache after each batch, and a query seeing a newer
version reads only the rows changed since its last read (a full read when rows were also removed)."""

import threading
import uuid
from datetime import timedelta

import numpy as np
from django.core.cache import cache

from .encoder import DIMENSIONS, MODEL, from_bytes

REDUCED = 128  # dimensions of the first pass
REDUCE_FROM = 5000  # rows from which the first pass is worth it
CANDIDATES = 512  # rows the first pass hands to the exact ranking
SAMPLE = 20000  # rows the projection is fitted on

VERSION_KEY = "engagement.semantics.index-version"
EPOCH_KEY = "engagement.semantics.index-epoch"


def bump() -> None:
    """Tell every process its matrix is out of date (it reads the rows changed since its last read)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, timeout=None)


def _versions() -> tuple[str, int]:
    """(epoch, version). A new epoch (the cache was emptied) means: read everything again."""
    cache.add(EPOCH_KEY, uuid.uuid4().hex, timeout=None)
    found = cache.get_many([EPOCH_KEY, VERSION_KEY])
    return found.get(EPOCH_KEY, ""), found.get(VERSION_KEY, 0)


class _Index:
    def __init__(self):
        self.lock = threading.Lock()
        self.version = None
        self.ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)
        self.basis = None  # (DIMENSIONS, REDUCED): the projection's directions, once there are enough rows
        self.reduced = None  # matrix @ basis
        self.read_up_to = None  # the latest updated_at read

    def _rows(self, since=None):
        from .models import FeedbackEmbedding

        rows = FeedbackEmbedding.objects.filter(model=MODEL)
        if since is not None:
            # A minute back: a batch that committed after a later one is not missed.
            rows = rows.filter(updated_at__gte=since - timedelta(minutes=1))
        return rows.values_list("item_id", "vector", "updated_at").order_by("updated_at", "item_id")

    def _read(self, since=None) -> None:
        ids, vectors, latest = [], [], since
        for pk, vector, updated in self._rows(since).iterator(chunk_size=2000):
            ids.append(pk)
            vectors.append(from_bytes(vector))
            latest = updated if latest is None or updated > latest else latest
        new_ids = np.asarray(ids, dtype=np.int64)
        new = np.vstack(vectors).astype(np.float32) if vectors else np.zeros((0, DIMENSIONS), dtype=np.float32)
        if since is None:
            self.ids, self.matrix = new_ids, new
            self._fit()
        elif len(new_ids):
            keep = ~np.isin(self.ids, new_ids)
            self.ids = np.concatenate([self.ids[keep], new_ids])
            self.matrix = np.vstack([self.matrix[keep], new])
            if self.basis is not None:
                self.reduced = np.vstack([self.reduced[keep], new @ self.basis])
            elif len(self.ids) >= REDUCE_FROM:
                self._fit()
        self.read_up_to = latest

    def _fit(self) -> None:
        """The principal directions of the rows (of a fixed sample of them), without centring: the
        projection keeps most of each dot product."""
        if len(self.ids) < REDUCE_FROM:
            self.basis = self.reduced = None
            return
        rows = np.random.default_rng(0).choice(len(self.ids), size=min(SAMPLE, len(self.ids)), replace=False)
        sample = self.matrix[rows].astype(np.float64)
        _values, vectors = np.linalg.eigh(sample.T @ sample)
        self.basis = np.ascontiguousarray(vectors[:, -REDUCED:][:, ::-1], dtype=np.float32)
        self.reduced = np.ascontiguousarray(self.matrix @ self.basis)

    def current(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, matrix), read or brought up to date first when another process changed the rows."""
        return self.snapshot()[:2]

    def snapshot(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
        """(ids, matrix, basis, reduced), consistent with each other."""
        from .models import FeedbackEmbedding

        epoch, version = _versions()
        with self.lock:
            if self.version is None or self.version[0] != epoch:
                self._read()
            elif self.version[1] != version:
                self._read(self.read_up_to)
                if len(self.ids) != FeedbackEmbedding.objects.filter(model=MODEL).count():
                    self._read()  # rows were removed (retention, erasure): read all again
            self.version = (epoch, version)
            return self.ids, self.matrix, self.basis, self.reduced

    def reset(self) -> None:
        with self.lock:
            self.__init__()


INDEX = _Index()


def nearest(vector: np.ndarray, *, count: int, exclude: int | None = None) -> list[tuple[int, float]]:
    """The `count` stored items closest to `vector`: (item id, cosine), closest first."""
    ids, matrix, basis, reduced = INDEX.snapshot()
    if not len(ids):
        return []
    vector = vector.astype(np.float32)
    if basis is None:
        rows = np.arange(len(ids))
    else:  # first pass on the projection, then the exact cosine of its best candidates
        rough = reduced @ (vector @ basis)
        take = min(max(CANDIDATES, count * 8), len(ids))
        rows = np.argpartition(-rough, take - 1)[:take]
    scores = matrix[rows] @ vector if basis is not None else matrix @ vector
    if exclude is not None:
        scores = np.where(ids[rows] == exclude, -2.0, scores)
    count = min(count, len(rows))
    top = np.argpartition(-scores, count - 1)[:count]
    top = top[np.argsort(-scores[top])]
    return [(int(ids[rows[k]]), float(scores[k])) for k in top if scores[k] > -2.0]
