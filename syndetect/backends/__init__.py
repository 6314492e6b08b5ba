"""Other places to run the same engine: ``spark`` (Apache Spark; it only schedules the library's pure
functions, so its outputs are the local run's, byte for byte)."""
