"""Model versions: training, snapshots, validation rules, serving, pre-labelling.

One module per concept: ``snapshots`` (what a version was trained and tested on),
``rules`` (the hosted service's training checks and task inference), ``versions`` (the
lifecycle), ``training_job`` (the job's body), ``artifacts`` (model files in the
BlobStore), ``serving`` (start, stop, detect), ``prelabel`` and ``shapes`` (hosted JSON).
"""
