"""tiff-dumper from Python: the C++ engine of the `tiff-dumper` command.

    import tiff_dumper, pandas
    summary = tiff_dumper.dump_headers("config.yaml", "out/", concurrency=64)
    rows = tiff_dumper.read_headers(["a.tif", "s3://bucket/b.tif"])
    df = pandas.DataFrame(rows)

Errors: ConfigError (a ValueError) where the command exits 2 (bad config,
options or store); RunError (a RuntimeError) where it exits 1 (the run
failed) and when read_header cannot read its file.

__version__ is the engine's version, the one `tiff-dumper --version` prints.
"""
import json
import os

from ._core import ConfigError, RunError
from . import _core

__version__ = _core.__version__

__all__ = ["dump_headers", "read_header", "read_headers", "ConfigError", "RunError", "__version__"]


def dump_headers(config, out_dir, **overrides):
    """Runs `tiff-dumper headers [CONFIG] OUT_DIR` and returns its summary.

    config: a path to the YAML config, a dict shaped like it
    ({"store": {"name": ..., "prefixes": [...]}, "concurrency": {...}}), or None
    with store=... (or keys=...). overrides: the command's flags with _ for -
    (store, prefix(es), suffix(es), concurrency, compression, overwrite, resume,
    shard, shard_count, stall_timeout, list_split, max_header_bytes, max_ifds,
    first_read_bytes, max_discard_bytes, keys, quiet, loud). quiet defaults to
    True here: only warnings, errors and the summary line reach stderr.

    Returns {"listed", "ok", "errors", "skipped", "resumed", "other_shards",
    "with_warnings", "requests", "bytes_read", "elapsed_seconds", "files",
    "out_dir"}; objects that could not be read are error rows ("errors"), not
    exceptions. The GIL is released while the run goes on.

    Ctrl-C (SIGINT) stops the run and raises KeyboardInterrupt once it has
    stopped, as the command's Ctrl-C ends it: the part being written is
    dropped, complete parts stay, no _SUCCESS.json, and the same call with
    resume=True continues. Reads in flight finish first (each within its
    timeout; well under a second for local files).

    The run's watchdog (stall_timeout: no progress for that many seconds) ends
    the whole Python process with exit code 1, as it ends the command, since
    the stuck reads cannot be cancelled; committed parts stay, resume=True
    continues.
    """
    path = text = None
    if isinstance(config, dict):
        text = json.dumps(config)  # JSON is YAML: the config reader takes it as is
    elif config is not None:
        path = os.fspath(config)
    return _core.dump_headers(path, text, os.fspath(out_dir), overrides)


def read_header(url_or_path, **store_options):
    """The row `tiff-dumper info URL_OR_PATH` prints, as a dict (column -> value).

    store_options: store.obstore_config keys (region="eu-west-1", skip_signature=True, ...).
    Ctrl-C raises KeyboardInterrupt once the file is read.
    """
    return _core.read_header(os.fspath(url_or_path), store_options)


def read_headers(urls, concurrency=16, **store_options):
    """The rows of several files, in order, read `concurrency` at a time.

    A file that cannot be read gives its error row (error_kind, error set), as
    `headers` writes it; a bad URL or store raises ConfigError. Ctrl-C starts
    no further file and raises KeyboardInterrupt once those being read are done.
    """
    return _core.read_headers([os.fspath(u) for u in urls], int(concurrency), store_options)
