#!/usr/bin/env python3
"""A deployment script written with python-libjuju's documented API, as teams write them.

It connects to a model, reads its status, deploys a local charm once per application of the
bundle it is given, waits (through the library's AllWatcher-backed model) until every unit is
active, writes what the library's model shows, and disconnects. Nothing in it knows about
upgrades: how the library rides out a controller upgrade is what the harness judges.

Run by `upgrade-chaos run --target process --client-cmd "python3 scenarios/clients/python-libjuju-deploy.py"`
(scenario python-libjuju-3.6), which sets:
  UPGRADE_CHAOS_API_URL            wss://HOST:PORT/model/UUID/api (through the harness's fault proxy)
  UPGRADE_CHAOS_USERNAME / _PASSWORD
  UPGRADE_CHAOS_CA_CERT            the controller's CA certificate (PEM), python-libjuju's `cacert`
  UPGRADE_CHAOS_BUNDLE             {"applications": {"NAME": {"charm": "...", "num_units": N}}}
  UPGRADE_CHAOS_VIEW_FILE          where to write what the library's model shows at the end
  UPGRADE_CHAOS_DEADLINE_MS        how long the script has
To point the harness at your own script, replace this file with yours: read the same variables,
exit 0 when your deployment is done.
"""
import asyncio
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

from juju.model import Model

CHARM_DIR = Path(os.environ.get("CHARM_DIR", Path(__file__).parent / "charms" / "hello"))


def model_view(model, bundle):
    """What the library's model (fed by its AllWatcher) holds for the bundle's applications."""
    applications = {}
    for name in bundle["applications"]:
        app = model.applications.get(name)
        if app is None:
            continue
        applications[name] = {"units": {unit.name: unit.workload_status for unit in app.units}}
    return {"applications": applications}


def all_active(model, bundle):
    for name, spec in bundle["applications"].items():
        app = model.applications.get(name)
        if app is None or len(app.units) < spec["num_units"]:
            return False
        if any(unit.workload_status != "active" for unit in app.units):
            return False
    return True


async def deploy(model, bundle, deadline_s):
    status = await model.get_status()
    print(f"connected: model {status.model.name}, juju {status.model.version}", flush=True)
    for name, spec in bundle["applications"].items():
        await model.deploy(str(CHARM_DIR), application_name=name, num_units=spec["num_units"], series="jammy")
        print(f"deployed {name} ({spec['num_units']} units)", flush=True)
    await model.block_until(lambda: all_active(model, bundle), timeout=deadline_s)
    print("every unit is active", flush=True)


async def main():
    url = urlparse(os.environ["UPGRADE_CHAOS_API_URL"])
    bundle = json.loads(os.environ["UPGRADE_CHAOS_BUNDLE"])
    deadline_s = int(os.environ.get("UPGRADE_CHAOS_DEADLINE_MS", "600000")) / 1000
    model = Model()
    await model.connect(
        endpoint=url.netloc,
        uuid=url.path.split("/")[2],
        username=os.environ["UPGRADE_CHAOS_USERNAME"],
        password=os.environ["UPGRADE_CHAOS_PASSWORD"],
        cacert=os.environ["UPGRADE_CHAOS_CA_CERT"],
    )
    try:
        await deploy(model, bundle, deadline_s)
    finally:
        view_file = os.environ.get("UPGRADE_CHAOS_VIEW_FILE")
        if view_file:
            Path(view_file).write_text(json.dumps(model_view(model, bundle)))
        await model.disconnect()


def describe(error):
    # Some of the library's exceptions cannot say what they are: block_until raises
    # websockets.ConnectionClosed(1006, 'no reason'), whose str() fails on websockets 10+.
    try:
        return f"{type(error).__name__}: {error}"
    except Exception:
        return f"{type(error).__name__} (its message cannot be read)"


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except Exception as e:  # the script failed: say why on one line, as the harness shows the last
        print(f"deployment failed: {describe(e)}", file=sys.stderr)
        sys.exit(1)
