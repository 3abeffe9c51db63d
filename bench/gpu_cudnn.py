#!/usr/bin/python3
"""gpu_cudnn.py: DeepBench's RNN inference problems timed on a GPU with cuDNN, through PyTorch.

    bench/gpu_cudnn.py [--rnnc RNNC] [-o FILE] [--device cuda|cpu] [--half]
                       [--min-time S] [--repeats N] [NAME...]

For each problem (all of `rnnc --list-deepbench` by default, or the names given), a one-layer
torch.nn.LSTM, GRU or RNN (tanh) of the problem's input and hidden sizes, random weights, runs
all the problem's time steps at its batch from zero states, in inference (torch.no_grad, eval),
fp32 (--half: fp16). The time of one inference is the best of --repeats measurements (default
5), each the mean over as many inferences as take --min-time seconds (default 0.2), timed with
CUDA events after a warm-up; on --device cpu, with a monotonic clock (a check of the script
where no GPU is at hand; the report labels such a file with its device). PyTorch's GRU is
cuDNN's, with the reset gate applied after the recurrent product (linear_before_reset = 1),
which is rnnc's GRU.

The CSV (default rnnc-out/bench/gpu_cudnn.csv, where `rnnc bench` reads it when present, or
`rnnc bench --gpu FILE`) has a line a problem, and names the GPU, its driver, cuDNN, PyTorch
and the date in every line, with the source `measured by rnnc's bench/gpu_cudnn.py`. It never
runs in CI: the project's tests do not need a GPU or PyTorch.
"""
import argparse
import datetime
import os
import re
import subprocess
import sys
import time

SOURCE = "measured by rnnc's bench/gpu_cudnn.py"
COLUMNS = ["problem", "cell", "input", "hidden", "steps", "batch", "precision", "latency_ms",
           "device", "driver", "cudnn", "torch", "date", "source"]


def problems(rnnc, names):
    """(name, cell, input, hidden, steps, batch) of each problem, from rnnc itself."""
    out = subprocess.run([rnnc, "--list-deepbench"], check=True, capture_output=True,
                         text=True).stdout.splitlines()
    rows = {}
    for line in out[1:]:
        f = line.split()
        if len(f) >= 6:
            rows[f[0]] = (f[2], int(f[3]), int(f[4]), int(f[5]))
    picked = names or list(rows)
    result = []
    for n in picked:
        n = n.split("/")[-1]
        if n not in rows:
            sys.exit(f"gpu_cudnn.py: error: unknown DeepBench problem '{n}'")
        cell, hidden, steps, batch = rows[n]
        spec = subprocess.run([rnnc, "deepbench:" + n, "--dump-after=spec", "-q"], check=True,
                              capture_output=True, text=True).stdout
        m = re.search(r"^input:\s*(\d+)", spec, re.M)
        result.append((n, cell, int(m.group(1)) if m else hidden, hidden, steps, batch))
    return result


def device_facts(torch, device):
    if device == "cuda":
        name = torch.cuda.get_device_name(0)
        try:
            driver = subprocess.run(["nvidia-smi", "--query-gpu=driver_version",
                                     "--format=csv,noheader"], capture_output=True, text=True,
                                    check=True).stdout.split("\n")[0].strip()
        except (OSError, subprocess.CalledProcessError):
            driver = ""
        cudnn = str(torch.backends.cudnn.version() or "")
    else:
        name, driver, cudnn = "cpu: " + cpu_model(), "", ""
    return name, driver, cudnn


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def time_one(torch, layer, x, device, min_time, repeats):
    """Seconds per inference: the best of `repeats` means over at least min_time seconds."""
    def run():
        layer(x)

    with torch.no_grad():
        for _ in range(3):
            run()
        if device == "cuda":
            torch.cuda.synchronize()
        best = None
        for _ in range(repeats):
            n, spent = 0, 0.0
            while spent < min_time:
                k = max(1, n)
                if device == "cuda":
                    start = torch.cuda.Event(enable_timing=True)
                    end = torch.cuda.Event(enable_timing=True)
                    start.record()
                    for _ in range(k):
                        run()
                    end.record()
                    torch.cuda.synchronize()
                    spent += start.elapsed_time(end) / 1e3
                else:
                    t0 = time.perf_counter()
                    for _ in range(k):
                        run()
                    spent += time.perf_counter() - t0
                n += k
            per = spent / n
            best = per if best is None or per < best else best
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("names", nargs="*", help="DeepBench problems (default: all)")
    ap.add_argument("--rnnc", default=os.path.join(os.path.dirname(__file__), "..", "build",
                                                   "rnnc"))
    ap.add_argument("-o", dest="out", default="rnnc-out/bench/gpu_cudnn.csv")
    ap.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    ap.add_argument("--half", action="store_true", help="fp16 weights and activations")
    ap.add_argument("--min-time", type=float, default=0.2)
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    try:
        import torch
    except ImportError:
        sys.exit("gpu_cudnn.py: error: PyTorch is not installed (Debian: python3-torch)")
    if a.device == "cuda" and not torch.cuda.is_available():
        sys.exit("gpu_cudnn.py: error: no CUDA device (--device cpu checks the script)")
    if a.device == "cuda":
        torch.backends.cudnn.enabled = True
        torch.backends.cudnn.benchmark = True
    torch.manual_seed(0)
    dtype = torch.float16 if a.half else torch.float32
    name, driver, cudnn = device_facts(torch, a.device)
    date = datetime.date.today().isoformat()
    lines = []
    todo = problems(a.rnnc, a.names)
    for i, (n, cell, d, h, steps, batch) in enumerate(todo):
        kind = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell]
        layer = kind(d, h).to(a.device, dtype).eval()
        x = torch.randn(steps, batch, d, device=a.device, dtype=dtype)
        sec = time_one(torch, layer, x, a.device, a.min_time, a.repeats)
        print(f"gpu_cudnn.py: [{i + 1}/{len(todo)}] {n}: {sec * 1e3:.4f} ms", file=sys.stderr)
        lines.append([n, cell, d, h, steps, batch, "fp16" if a.half else "fp32",
                      f"{sec * 1e3:.6f}", name, driver, cudnn, torch.__version__, date, SOURCE])
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        f.write("# DeepBench inference on a GPU, cuDNN through PyTorch; " + SOURCE + "\n")
        f.write(",".join(COLUMNS) + "\n")
        for row in lines:
            f.write(",".join(str(v).replace(",", ";") for v in row) + "\n")
    os.replace(tmp, a.out)
    print(f"gpu_cudnn.py: written {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
