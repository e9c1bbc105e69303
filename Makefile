# The two commands a user needs: `make` (data, build, models) and `make test`.
DOTNET     ?= dotnet
CONFIG     ?= Release
DATA       ?= data/mnist
MODELS     ?= models
APP        := training/bin/$(CONFIG)/net10.0/autoencoder.dll
# Debian's ONNX checker (python3-onnx) lives with the system interpreter, not any other python3 on PATH.
PYTHON     ?= /usr/bin/python3

.PHONY: all data build models test check-models tools pack clean

all: data build models

data:
	@bash scripts/fetch-mnist.sh $(DATA)

build:
	$(DOTNET) build AutoEncoder.sln -c $(CONFIG) --nologo -v quiet

models: data build
	$(DOTNET) $(APP) train --preset seed --data $(DATA) --out $(MODELS)

# The official ONNX checker, used by the tests; installed from Debian when missing.
tools:
	@$(PYTHON) -c 'import onnx' 2>/dev/null || { \
	  echo "installing python3-onnx (the official ONNX checker) ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-onnx >/dev/null; }

check-models: tools
	$(PYTHON) scripts/check_onnx.py $(MODELS)/*.onnx

test: data build tools
	@bash scripts/run-tests.sh $(CONFIG)

clean:
	$(DOTNET) clean AutoEncoder.sln -c $(CONFIG) --nologo -v quiet
	rm -rf artifacts plots
