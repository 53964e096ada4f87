"""Deployment: one replica (serve.sh), HAProxy in front of N (haproxy_cfg.py), and both as
local processes (local_cluster.py). See deploy/README.md."""
