# aidoctor's Python/PyTorch probe: prints exactly one JSON object on stdout.
# Anything else (import warnings, CUDA init chatter) goes to stderr, so the caller can
# always parse stdout. Kept compatible with old Python 3 (no f-strings).
#
# `python3 -c` puts the current directory first on sys.path (as ''), and aidoctor runs
# wherever the user is: a json.py or a torch/ folder there must not be imported. Drop it
# before any import. sys is built in; os is already loaded by site, which (like the codecs)
# was imported from the interpreter's own paths before '' was added; so is everything the
# user's venv, conda env and user site-packages add, which stay.
import sys
import os
try:
    _cwd = os.getcwd()
except OSError:  # the directory was removed: '' then names nothing
    _cwd = None
sys.path[:] = [p for p in sys.path if p not in ("", ".") and (_cwd is None or os.path.abspath(p) != _cwd)]
import json

# Native libraries (CUDA, ROCm) write to file descriptor 1 directly, bypassing sys.stdout:
# keep a private copy of the real stdout and point fd 1 at stderr for everything else.
try:
    sys.stdout.flush()
    _real_stdout = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
except Exception:
    _real_stdout = sys.stdout
sys.stdout = sys.stderr
result = {}
try:
    result["python_version"] = "%d.%d.%d" % tuple(sys.version_info[:3])
    result["executable"] = sys.executable
    base = getattr(sys, "base_prefix", getattr(sys, "real_prefix", sys.prefix))
    if sys.prefix != base or hasattr(sys, "real_prefix"):
        result["env"] = "venv"
    elif os.path.isdir(os.path.join(sys.prefix, "conda-meta")) or os.environ.get("CONDA_PREFIX"):
        result["env"] = "conda"
    else:
        # An interpreter pyenv installed (~/.pyenv/versions/3.12.3) is the user's own, not
        # the distribution's.
        pyenv_root = os.environ.get("PYENV_ROOT") or os.path.join(os.path.expanduser("~"), ".pyenv")
        versions = os.path.join(os.path.realpath(pyenv_root), "versions") + os.sep
        if os.path.realpath(sys.prefix).startswith(versions) or (os.sep + ".pyenv" + os.sep) in sys.prefix:
            result["env"] = "pyenv"
        else:
            result["env"] = "system"
    # The installed vLLM wheel's version ("0.20.1+cu129" names its CUDA variant), read from
    # its metadata without importing it.
    try:
        try:
            from importlib.metadata import version as _dist_version
        except ImportError:
            _dist_version = None
        if _dist_version is not None:
            result["vllm_version"] = _dist_version("vllm")
    except Exception:
        pass
    try:
        import warnings
        warnings.simplefilter("ignore")
        import torch
    except ImportError as e:
        if getattr(e, "name", None) == "torch":
            result["torch_error"] = "not_installed"
        else:
            result["torch_error"] = "import_failed"
        result["torch_error_message"] = "%s: %s" % (type(e).__name__, e)
    except BaseException as e:
        result["torch_error"] = "import_failed"
        result["torch_error_message"] = "%s: %s" % (type(e).__name__, e)
    else:
        result["torch_version"] = str(getattr(torch, "__version__", ""))
        tv = getattr(torch, "version", None)
        result["torch_cuda"] = getattr(tv, "cuda", None)
        result["torch_hip"] = getattr(tv, "hip", None)
        # The architectures this build has kernels for ("sm_86", "compute_90", "gfx1100"):
        # the truth for custom builds. _cuda_getArchFlags needs no GPU; get_arch_list returns
        # [] when CUDA is unavailable.
        try:
            flags = None
            getter = getattr(torch._C, "_cuda_getArchFlags", None)
            if getter is not None:
                flags = getter()
            if flags:
                result["arch_list"] = [a for a in str(flags).replace(",", " ").split() if a]
            else:
                archs = torch.cuda.get_arch_list()
                if archs:
                    result["arch_list"] = [str(a) for a in archs]
        except BaseException:
            pass
        try:
            result["gpu_available"] = bool(torch.cuda.is_available())
            names = []
            if result["gpu_available"]:
                for i in range(torch.cuda.device_count()):
                    names.append(torch.cuda.get_device_name(i))
            result["device_names"] = names
        except BaseException as e:
            result["torch_error"] = "cuda_failed"
            result["torch_error_message"] = "%s: %s" % (type(e).__name__, e)
        # Apple's Metal (MPS) backend: built into macOS arm64 wheels, available from macOS 12.3.
        try:
            mps = torch.backends.mps
            result["mps_built"] = bool(mps.is_built())
            result["mps_available"] = bool(mps.is_available())
        except BaseException:
            pass
except BaseException as e:
    result["probe_error"] = "%s: %s" % (type(e).__name__, e)
_real_stdout.write(json.dumps(result) + "\n")
_real_stdout.flush()
