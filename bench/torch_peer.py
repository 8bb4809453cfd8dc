"""The benchmark's workloads in PyTorch, an optional peer (used only when `import torch` works).

Speaks bench/child.ts's protocol: a JSON request on stdin (items with bench/spec.ts's workload
specs, the timing protocol, options.threads), one JSON event line per item on stdout. Measures as
bench/measure.ts does: a small probe step, a watched first warm-up epoch that is called off above
the time budget, warm-up epochs until both their count and their time reach the protocol's
minimum (MAX_WARMUP at most), then the median of the measured epochs.
"""
import json
import math
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.d1, self.d2, self.d3 = nn.Linear(64, 32), nn.Linear(32, 32), nn.Linear(32, 10)

    def forward(self, x):
        return [self.d3(F.relu(self.d2(F.relu(self.d1(x)))))]


class QA(nn.Module):
    def __init__(self):
        super().__init__()
        self.et, self.eq = nn.Embedding(10000, 64), nn.Embedding(10000, 32)
        self.lt = nn.LSTM(64, 32, batch_first=True)
        self.lq = nn.LSTM(32, 16, batch_first=True)
        self.out = nn.Linear(48, 500)

    def forward(self, text, question):
        _, (ht, _) = self.lt(self.et(text))
        _, (hq, _) = self.lq(self.eq(question))
        return [self.out(torch.cat([ht[-1], hq[-1]], dim=-1))]


class Social(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(50000, 256)
        chans = [(256, 128), (128, 256), (256, 256), (256, 256), (256, 256)]
        self.convs = nn.ModuleList(nn.Conv1d(i, o, 5) for i, o in chans)
        self.dense = nn.Linear(256, 128)
        self.age, self.income, self.gender = nn.Linear(128, 1), nn.Linear(128, 10), nn.Linear(128, 1)

    def forward(self, posts):
        h = self.emb(posts).transpose(1, 2)  # channels first: torch's native Conv1d layout
        c = self.convs
        h = F.max_pool1d(F.relu(c[0](h)), 5)
        h = F.max_pool1d(F.relu(c[2](F.relu(c[1](h)))), 5)
        h = F.relu(c[4](F.relu(c[3](h)))).amax(dim=2)
        h = F.relu(self.dense(h))
        return [self.age(h), self.income(h), torch.sigmoid(self.gender(h))]


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(3, 32, 3, padding=1), nn.Conv2d(32, 32, 3, padding=1)
        self.skip, self.c3 = nn.Conv2d(3, 32, 1), nn.Conv2d(32, 64, 3, padding=1)
        self.out = nn.Linear(64, 10)

    def forward(self, image):
        h = F.relu(self.c2(F.relu(self.c1(image)))) + self.skip(image)
        h = F.relu(self.c3(F.max_pool2d(h, 2))).mean(dim=(2, 3))
        return [self.out(h)]


MODELS = {"mlp": MLP, "qa": QA, "social": Social, "resnet": ResNet}


def make_data(spec, n):
    g = torch.Generator().manual_seed(1234)
    xs = []
    for inp in spec["inputs"]:
        shape = [n] + inp["shape"]
        if inp["dtype"] == "int32":
            xs.append(torch.randint(1, inp.get("high", 2), shape, generator=g))
        else:
            x = torch.rand(shape, generator=g)
            # Images go channels first, torch's native layout for Conv2d.
            xs.append(x.permute(0, 3, 1, 2).contiguous() if x.dim() == 4 else x)
    ys = []
    for t in spec["targets"]:
        if t["kind"] == "onehot":
            ys.append(F.one_hot(torch.randint(0, t["units"], [n], generator=g), t["units"]).float())
        elif t["kind"] == "binary":
            ys.append(torch.randint(0, 2, [n, t["units"]], generator=g).float())
        else:
            ys.append(torch.rand([n, t["units"]], generator=g))
    return xs, ys


def loss_fn(spec):
    heads = spec["targets"]

    def total(outs, ys):
        loss = 0.0
        for out, y, t in zip(outs, ys, heads):
            if t["loss"] == "mse":
                part = F.mse_loss(out, y)
            elif t["loss"] == "binary_crossentropy":
                part = F.binary_cross_entropy(out.clamp(1e-7, 1 - 1e-7), y)
            else:  # softmax + categorical crossentropy on logits, as Keras fuses it
                part = -(y * F.log_softmax(out, dim=-1)).sum(dim=-1).mean()
            loss = loss + t["weight"] * part
        return loss

    return total


class Trainer:
    def __init__(self, spec):
        torch.manual_seed(42)
        self.spec = spec
        self.model = MODELS[spec["model"]]()
        # Keras's RMSprop defaults: lr 1e-3, rho 0.9, epsilon 1e-7.
        self.opt = torch.optim.RMSprop(self.model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
        self.loss = loss_fn(spec)
        self.xs, self.ys = make_data(spec, spec["samples"])

    def _step(self, idx):
        self.opt.zero_grad(set_to_none=True)
        outs = self.model(*[x[idx] for x in self.xs])
        self.loss(outs, [y[idx] for y in self.ys]).backward()
        self.opt.step()

    def step(self, samples):
        self._step(torch.arange(samples))

    def epoch(self, stop_after_batch):
        """One shuffled epoch (as Keras's fit); returns False if `stop_after_batch` called it off."""
        n, b = self.spec["samples"], self.spec["batch"]
        perm = torch.randperm(n)
        for i in range(0, n, b):
            self._step(perm[i : i + b])
            if stop_after_batch():
                return False
        return True


class Watchdog:
    """Calls off the warm-up epoch once it is clearly over budget (see Watchdog in measure.ts)."""

    def __init__(self, batches, budget_ms):
        self.batches, self.budget = batches, budget_ms
        self.t0 = self.last = time.perf_counter()
        self.recent, self.done, self.estimate = [], 0, 0.0

    def __call__(self):
        if self.done >= self.batches:
            return False
        now = time.perf_counter()
        self.recent = (self.recent + [(now - self.last) * 1000])[-3:]
        self.last, self.done = now, self.done + 1
        elapsed = (now - self.t0) * 1000
        self.estimate = elapsed + (self.batches - self.done) * statistics.median(self.recent)
        return self.estimate > self.budget and (self.done >= 5 or elapsed > self.budget)


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def skipped(ms, basis, unit="epoch"):
    s = ms / 1000
    shown = f"{round(s):,}" if s >= 100 else f"{s:.1f}"  # as measure.ts's seconds()
    return {"status": "skipped", "reason": f"estimated {shown} s/{unit} ({basis})", "estimate": ms}


MAX_WARMUP = 200  # as measure.ts


def warming(proto, done, elapsed_ms):
    """Whether warm-up goes on after `done` runs that took `elapsed_ms` in all (measure.ts's warming)."""
    return done < proto["warmup"] or (elapsed_ms < proto["warmupSeconds"] * 1000 and done < MAX_WARMUP)


def measure_training(spec, proto, on_probe):
    tr = Trainer(spec)
    n, b, budget = spec["samples"], spec["batch"], proto["budgetSeconds"] * 1000
    batches = math.ceil(n / b)
    probe = min(8, b)
    on_probe(timed(lambda: tr.step(probe)), probe)  # the first step pays for set-up
    t_probe = timed(lambda: tr.step(probe))
    on_probe(t_probe, probe)
    if t_probe * batches > 4 * budget:
        return skipped(t_probe * n / probe, f"{probe}-sample step scaled")
    watch = Watchdog(batches, budget)  # judges the first epoch only
    done, elapsed = 0, 0.0
    while warming(proto, done, elapsed):
        t0 = time.perf_counter()
        if not tr.epoch(watch):
            return skipped(watch.estimate, "warm-up epoch called off")
        elapsed += (time.perf_counter() - t0) * 1000
        done += 1
    runs = []
    for _ in range(proto["measured"]):
        t0 = time.perf_counter()
        tr.epoch(watch)
        runs.append((time.perf_counter() - t0) * 1000)
    return {"status": "ok", "value": statistics.median(runs), "runs": runs}


def measure_predict(spec, samples, batch, proto):
    torch.manual_seed(42)
    model = MODELS[spec["model"]]().eval()
    xs, _ = make_data(spec, samples)
    budget = proto["budgetSeconds"] * 1000

    def run(n):
        with torch.inference_mode():
            for i in range(0, n, batch):
                model(*[x[i : min(i + batch, n)] for x in xs])

    first = min(batch, samples)
    run(first)
    est = timed(lambda: run(first)) * math.ceil(samples / batch)
    if est > budget:
        return skipped(est, f"one {batch}-sample batch", "pass")
    done, elapsed = 0, 0.0
    while warming(proto, done, elapsed):
        elapsed += timed(lambda: run(samples))
        done += 1
    runs = [samples * 1000 / timed(lambda: run(samples)) for _ in range(proto["measured"])]
    return {"status": "ok", "value": statistics.median(runs), "runs": runs}


def guarded(fn, *args):
    try:
        return fn(*args)
    except Exception as e:  # a failure is a result to report, not a reason to stop
        return {"status": "failed", "reason": (str(e).splitlines() or [type(e).__name__])[0][:90]}


def emit(event):
    print(json.dumps(event), flush=True)


def main():
    req = json.load(sys.stdin)
    proto = req["protocol"]
    torch.set_num_threads(int(req["options"].get("threads", 1)))
    emit({"event": "ready", "version": torch.__version__})
    for item in req["items"]:
        emit({"event": "start", "id": item["id"]})
        if item["kind"] == "train":
            on_probe = lambda ms, n, id=item["id"]: emit({"event": "probe", "id": id, "ms": ms, "samples": n})
            outcome = guarded(measure_training, item["spec"], proto, on_probe)
        else:
            outcome = guarded(measure_predict, item["spec"], item["samples"], item["batch"], proto)
        emit({"event": "result", "id": item["id"], "outcome": outcome})
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    emit({"event": "done", "rssMB": rss_mb, "version": torch.__version__})


if __name__ == "__main__":
    main()
