"""gunicorn settings of an Infohus application node (read by deploy/infohus-web.service).

Install as /etc/infohus/gunicorn.conf.py. The application's own settings come from the environment
file (/etc/infohus/environment); this file only says how gunicorn serves `infohus.wsgi`.
See docs/deployment.md.
"""

import multiprocessing

# The node's address on the private network, reached only by the reverse proxies (firewall).
# Plain HTTP: TLS ends at the proxy.
bind = ["10.0.1.11:8000"]

# Sync workers: one request at a time each, no threads. Pages wait on PostgreSQL more than on the
# processor, so a few more workers than cores; each takes about 150 MB. Several nodes multiply this:
# keep the sum of all workers of all nodes (plus the worker machine's) below PostgreSQL's
# max_connections, since each worker keeps one connection open (CONN_MAX_AGE is 60 s).
workers = multiprocessing.cpu_count() * 2 + 1
worker_class = "sync"

# A request still running after this is killed (and logged): the slowest pages (a statistics
# export over the whole country, a PDF) take seconds, not a minute.
timeout = 60
# On a restart or reload, requests in flight get this long to finish.
graceful_timeout = 30
# Start each worker afresh now and then, so that memory kept by one long-lived process is returned.
max_requests = 2000
max_requests_jitter = 200
# The heartbeat file of each worker in memory (/run is a tmpfs), not on a disk that may stall; the
# unit's own runtime directory, which only this service can write.
worker_tmp_dir = "/run/infohus-web"

# The addresses of the reverse proxies: only from them is X-Forwarded-Proto believed.
forwarded_allow_ips = "10.0.0.10,10.0.0.11"

# The control socket (gunicorn 27) in the unit's runtime directory, not in the user's home.
control_socket = "/run/infohus-web/gunicorn.ctl"

# Logs to standard output and error, i.e. the journal. The access log leaves out the query string:
# the person search and the subject-access search send names and identifiers in it. The request id
# is the one the proxy sent (X-Request-ID), so that a line here, a line in the proxy's log and the
# audit rows of the request can be matched.
accesslog = "-"
errorlog = "-"
access_log_format = '%({x-request-id}o)s %(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
loglevel = "info"

# The name in ps and top.
proc_name = "infohus-web"
