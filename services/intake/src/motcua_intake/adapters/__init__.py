"""The intake service's edges besides the aggregate store: the population registry, the
citizen's earlier data, dossier numbering, the access log and the lookup throttle."""
