# The two commands a user needs: `make` (data, build with the models it trains, plots) and `make test`.
DOTNET     ?= dotnet
CONFIG     ?= Release
DATA       ?= data/mnist
MODELS     ?= models
APP        := training/AutoEncoder.Training/bin/$(CONFIG)/net10.0/autoencoder.dll
# Debian's ONNX checker (python3-onnx) lives with the system interpreter, not any other python3 on PATH.
PYTHON     ?= /usr/bin/python3
# Runtime the sample is published for (framework-dependent).
RID        ?= linux-x64

.PHONY: all data data-fashion build models plots evaluate anomaly test test-fast check-models tools browser-tools bench bench-tools db-tools pack sample serve load screenshot clean

all: build plots

data:
	@bash scripts/fetch-mnist.sh $(DATA)

# Fashion-MNIST (same IDX layout, ten clothing classes) from Debian's dataset-fashion-mnist: the fashion model and `make anomaly`.
data-fashion:
	@bash scripts/fetch-fashion-mnist.sh data/fashion-mnist

# One `dotnet build`: it trains the committed models whose training key changed (models/AutoEncoder.Models.csproj:
# the code training runs, its packages, SDK, config and data), then embeds the seed model (inference/AutoEncoder.Inference.Models).
build: data data-fashion
	$(DOTNET) build AutoEncoder.sln -c $(CONFIG) --nologo -v minimal -clp:NoSummary

# The committed models, retrained whether or not they are out of date (their keys deleted).
models: data data-fashion
	rm -f $(MODELS)/training.key $(MODELS)/*/training.key
	$(DOTNET) build AutoEncoder.sln -c $(CONFIG) --nologo -v minimal -clp:NoSummary

# Figures and figures of merit for every committed model (plots/ is committed: README shows it).
plots: build
	$(DOTNET) $(APP) plot --models $(MODELS) --data $(DATA) --out plots/seed
	$(DOTNET) $(APP) plot --models $(MODELS)/deep --data $(DATA) --out plots/deep
	$(DOTNET) $(APP) plot --models $(MODELS)/fashion --data data/fashion-mnist --out plots/fashion
	$(DOTNET) $(APP) plot --models $(MODELS)/umap --data $(DATA) --out plots/umap
	$(DOTNET) $(APP) plot --models $(MODELS)/conv --data $(DATA) --out plots/conv
	$(DOTNET) $(APP) plot --models $(MODELS)/cluster --data $(DATA) --out plots/cluster
	$(DOTNET) $(APP) plot --models $(MODELS)/vae --data $(DATA) --out plots/vae
	mkdir -p obj
	$(DOTNET) $(APP) index --models $(MODELS)/umap --data $(DATA) --out obj/mnist-umap.index
	$(DOTNET) $(APP) search --index obj/mnist-umap.index --models $(MODELS)/umap --data $(DATA) --row 7 -k 10 --plot plots/similar.png

evaluate: build
	$(DOTNET) $(APP) evaluate --models $(MODELS) --data $(DATA)
	$(DOTNET) $(APP) evaluate --models $(MODELS)/deep --data $(DATA)
	$(DOTNET) $(APP) evaluate --models $(MODELS)/fashion --data data/fashion-mnist
	$(DOTNET) $(APP) evaluate --models $(MODELS)/umap --data $(DATA)
	$(DOTNET) $(APP) evaluate --models $(MODELS)/conv --data $(DATA)
	$(DOTNET) $(APP) evaluate --models $(MODELS)/vae --data $(DATA)

# The one-class protocol on MNIST and Fashion-MNIST: the anomaly preset trained on each class in turn,
# AUROC over the whole test set beside PCA-32.
anomaly: build
	$(DOTNET) $(APP) bench-anomaly --data $(DATA)
	$(DOTNET) $(APP) bench-anomaly --data data/fashion-mnist

# Training speed against PyTorch (Debian's python3-torch with OpenBLAS), then the inference suite.
bench: build bench-tools
	$(DOTNET) $(APP) bench --data $(DATA)
	$(DOTNET) $(APP) bench-index
	cd inference/AutoEncoder.Inference.Benchmarks && $(DOTNET) run -c $(CONFIG) --no-build -- --filter '*'

bench-tools:
	@$(PYTHON) -c 'import torch' 2>/dev/null && [ -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ] || { \
	  echo "installing python3-torch and OpenBLAS (the PyTorch reference) ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch libopenblas0-pthread >/dev/null; }
	@$(PYTHON) -c 'import faiss' 2>/dev/null || { \
	  echo "installing python3-faiss (the vector-search reference) ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-faiss >/dev/null; }

# The official ONNX checker and scikit-learn (the clustering metrics' reference), used by the tests;
# installed from Debian when missing.
tools:
	@$(PYTHON) -c 'import onnx' 2>/dev/null || { \
	  echo "installing python3-onnx (the official ONNX checker) ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-onnx >/dev/null; }
	@$(PYTHON) -c 'import sklearn, scipy' 2>/dev/null || { \
	  echo "installing python3-sklearn (the reference for the clustering metrics) ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-sklearn >/dev/null; }

# Debian's Chromium and chromedriver, for the map page's browser test (Selenium drives the system browser;
# no test tool may download its own here).
browser-tools:
	@[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || { \
	  echo "installing chromium and chromium-driver (the browser test) ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

# Debian's PostgreSQL 15 with its contrib cube extension, for the tests' throw-away cluster (index --postgres).
db-tools:
	@[ -x /usr/lib/postgresql/15/bin/initdb ] && [ -e /usr/share/postgresql/15/extension/cube.control ] || { \
	  echo "installing postgresql-15 (the index --postgres tests) ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null; }

check-models: tools
	$(PYTHON) scripts/check_onnx.py $(MODELS)/*.onnx

test: build tools browser-tools db-tools
	@bash scripts/run-tests.sh $(CONFIG)
	@# The managed kernel's loops again on 256-bit lanes, as on a processor without AVX-512 (FloatLanes).
	@DOTNET_PreferredVectorBitWidth=256 $(DOTNET) test tests/AutoEncoder.Inference.Tests -c $(CONFIG) --no-build --nologo

# Everything but the tests marked Slow (package build, official checker, committed-model quality) and Fuzz.
test-fast: build db-tools
	@bash scripts/run-tests.sh $(CONFIG) 'Category!=Slow&Category!=Fuzz'

clean:
	$(DOTNET) clean AutoEncoder.sln -c $(CONFIG) --nologo -v quiet
	rm -rf artifacts

# The NuGet packages (+ symbols) of the inference library, embedding a freshly trained seed model, and of its
# companions (hosting: services.AddAutoEncoder; ASP.NET Core: problem+json and health checks; images: encoder.EncodeImage;
# AI: IEmbeddingGenerator), and the exporter (AutoEncoder.Onnx: OnnxExport.Save for any TorchSharp module), into artifacts/.
pack: build
	$(DOTNET) pack inference/AutoEncoder.Inference/AutoEncoder.Inference.csproj -c $(CONFIG) -o artifacts --nologo -v quiet
	$(DOTNET) pack inference/AutoEncoder.Inference.Hosting/AutoEncoder.Inference.Hosting.csproj -c $(CONFIG) -o artifacts --nologo -v quiet
	$(DOTNET) pack inference/AutoEncoder.Inference.AspNetCore/AutoEncoder.Inference.AspNetCore.csproj -c $(CONFIG) -o artifacts --nologo -v quiet
	$(DOTNET) pack inference/AutoEncoder.Inference.Images/AutoEncoder.Inference.Images.csproj -c $(CONFIG) -o artifacts --nologo -v quiet
	$(DOTNET) pack inference/AutoEncoder.Inference.AI/AutoEncoder.Inference.AI.csproj -c $(CONFIG) -o artifacts --nologo -v quiet
	$(DOTNET) pack training/AutoEncoder.Onnx/AutoEncoder.Onnx.csproj -c $(CONFIG) -o artifacts --nologo -v quiet
	$(DOTNET) pack training/AutoEncoder.Cli/AutoEncoder.Cli.csproj -c $(CONFIG) -o artifacts --nologo -v quiet

# The encoder service on http://127.0.0.1:$${PORT:-5000} with the UMAP encoder (the map that separates the
# digits; it has no decoder) and the MNIST test set's map; open it in a browser and draw.
serve: build
	$(DOTNET) inference/samples/EncoderService/bin/$(CONFIG)/net10.0/EncoderService.dll --AutoEncoder:ModelDirectory=$(MODELS)/umap --AutoEncoder:Models=Encoder \
	  --Map:Images=$(DATA)/t10k-images-idx3-ubyte --Map:Labels=$(DATA)/t10k-labels-idx1-ubyte

# 8 clients for 30 s on /encode (single rows, then 256-row batches) beside EncodeBatch in-process (BENCHMARKS.md).
load: build
	@bash scripts/load.sh $(CONFIG)

# README's picture of the map page: the browser test, saving what it sees after drawing a digit.
screenshot: build browser-tools
	AUTOENCODER_SCREENSHOT=$(CURDIR)/plots/service.png $(DOTNET) test tests/AutoEncoder.Service.Tests -c $(CONFIG) --no-build --nologo \
	  --filter 'FullyQualifiedName~PageInBrowserTests.A_drawn_stroke'

# The sample app, built against a freshly packed package. A unique pre-release version keeps NuGet's
# global cache from serving an older build of the same version number.
SAMPLE_VERSION := 0.1.0-local.$(shell date +%s)
sample: build
	$(DOTNET) pack inference/AutoEncoder.Inference/AutoEncoder.Inference.csproj -c $(CONFIG) -o artifacts --nologo -v quiet -p:Version=$(SAMPLE_VERSION)
	rm -rf artifacts/sample
	$(DOTNET) publish inference/samples/EncodeDigits -c $(CONFIG) -r $(RID) --self-contained false -o artifacts/sample --nologo -v quiet -p:AutoEncoderInferenceVersion=$(SAMPLE_VERSION)
	$(DOTNET) artifacts/sample/EncodeDigits.dll $(DATA)/t10k-images-idx3-ubyte $(DATA)/t10k-labels-idx1-ubyte 10
	@echo "published sample: $$(du -sh artifacts/sample | cut -f1) in artifacts/sample"
