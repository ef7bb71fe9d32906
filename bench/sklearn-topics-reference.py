"""The scikit-learn reference of `npm run bench:topics-scale`.

Reads one question per line, groups them as a plain scikit-learn pipeline would (TfidfVectorizer with sublinear tf
and min_df 2, then MiniBatchKMeans with k clusters, batch 4096, 3 initialisations), writes one cluster number per
line, and prints one line of JSON: the phases in seconds, CPU seconds and peak memory (maxRSS) of this process.

Usage: python3 sklearn-topics-reference.py QUESTIONS.txt K LABELS.txt
"""

import json
import resource
import sys
import time

started = time.perf_counter()

import numpy as np  # noqa: E402
from sklearn.cluster import MiniBatchKMeans  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

questions_path, k_text, labels_path = sys.argv[1:4]
imported = time.perf_counter()

with open(questions_path, encoding="utf-8") as questions_file:
    questions = questions_file.read().split("\n")
if questions and questions[-1] == "":
    questions.pop()
read = time.perf_counter()

matrix = TfidfVectorizer(sublinear_tf=True, min_df=2).fit_transform(questions)
vectorized = time.perf_counter()

labels = MiniBatchKMeans(n_clusters=int(k_text), batch_size=4096, n_init=3, random_state=0).fit_predict(matrix)
clustered = time.perf_counter()

np.savetxt(labels_path, labels, fmt="%d")
written = time.perf_counter()

usage = resource.getrusage(resource.RUSAGE_SELF)
print(
    json.dumps(
        {
            "questions": len(questions),
            "features": matrix.shape[1],
            "clusters": int(len(np.unique(labels))),
            "importSeconds": imported - started,
            "readSeconds": read - imported,
            "vectorizeSeconds": vectorized - read,
            "clusterSeconds": clustered - vectorized,
            "writeSeconds": written - clustered,
            "cpuSeconds": usage.ru_utime + usage.ru_stime,
            # Linux reports kilobytes.
            "maxRssMb": usage.ru_maxrss / 1024,
        }
    )
)
