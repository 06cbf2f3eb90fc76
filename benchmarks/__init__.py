"""The performance harness (issue 5): `python -m benchmarks.run --scale 100k` prints one table. See README.md."""
