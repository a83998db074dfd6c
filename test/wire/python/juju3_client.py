"""A small Juju 3 client of our own on Debian's python3-websockets, speaking the wire the way
python-libjuju does (shared/reference/python-libjuju.md): wss:// with the controller's CA and no
hostname check, Admin.Login v3 with a 3.x server-version, the highest facade version both sides
know, `Id` (capitalised) at the top level of AllWatcher calls, ModelManager.ModelInfo on the
controller endpoint, a charm zip POSTed over https with Basic auth, then Application.Deploy, and
the watcher followed until every unit is active. It prints one JSON object of what it saw.

Environment: UC_HOST, UC_PORT, UC_UUID, UC_CA_FILE, UC_USERNAME, UC_PASSWORD, UC_UNITS.
"""
import asyncio
import base64
import http.client
import io
import json
import os
import ssl
import urllib.request
import zipfile

import websockets

# The versions python-libjuju 3.5 knows of the facades it uses.
KNOWN = {"Client": [5, 6], "ModelConfig": [1, 2, 3], "AllWatcher": [1, 2, 3, 4], "Pinger": [1],
         "Application": [14, 15, 16, 17, 19], "Charms": [5, 6], "ModelManager": [2, 3, 4, 5, 9]}


def tls_context():
    context = ssl.create_default_context(purpose=ssl.Purpose.SERVER_AUTH, cafile=os.environ["UC_CA_FILE"])
    context.check_hostname = False
    return context


class Conn:
    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.versions = {}

    async def call(self, facade, method, params=None, version=None, **top):
        self.next_id += 1
        request = {"request-id": self.next_id, "type": facade, "request": method,
                   "version": version if version is not None else self.versions[facade],
                   "params": params or {}, **top}
        await self.ws.send(json.dumps(request))
        while True:
            reply = json.loads(await self.ws.recv())
            if reply["request-id"] == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{facade}.{method}: {reply['error']} ({reply.get('error-code')})")
                return reply["response"]

    async def login(self):
        result = await self.call("Admin", "Login", {"auth-tag": "user-" + os.environ["UC_USERNAME"],
                                                    "credentials": os.environ["UC_PASSWORD"],
                                                    "client-version": "3.5.2"}, version=3)
        major = int(result["server-version"].split(".")[0])
        if major != 3:
            raise RuntimeError(f"juju server-version {result['server-version']} not supported")
        for facade in result["facades"]:
            common = set(KNOWN.get(facade["name"], [])) & set(facade["versions"])
            if common:
                self.versions[facade["name"]] = max(common)
        return result


def upload_charm(uuid, units_name):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("metadata.yaml", f"name: {units_name}\nsummary: test\nseries: [jammy]\n")
        z.writestr("hooks/install", "#!/bin/sh\n")
    token = base64.b64encode(f"user-{os.environ['UC_USERNAME']}:{os.environ['UC_PASSWORD']}".encode()).decode()
    conn = http.client.HTTPSConnection(os.environ["UC_HOST"], int(os.environ["UC_PORT"]), context=tls_context())
    conn.request("POST", f"/model/{uuid}/charms?series=jammy", archive.getvalue(),
                 {"Content-Type": "application/zip", "Authorization": f"Basic {token}"})
    response = conn.getresponse()
    body = response.read().decode()
    if response.status != 200:
        raise RuntimeError(f"upload: HTTP {response.status}: {body}")
    return json.loads(body)["charm-url"]


async def main():
    host, port, uuid = os.environ["UC_HOST"], os.environ["UC_PORT"], os.environ["UC_UUID"]
    units = int(os.environ.get("UC_UNITS", "2"))
    seen = {}
    async with websockets.connect(f"wss://{host}:{port}/api", ssl=tls_context()) as ws:
        controller = Conn(ws)
        await controller.login()
        info = await controller.call("ModelManager", "ModelInfo", {"entities": [{"tag": f"model-{uuid}"}]})
        seen["model-info"] = info["results"][0]["result"]
    async with websockets.connect(f"wss://{host}:{port}/model/{uuid}/api", ssl=tls_context()) as ws:
        model = Conn(ws)
        login = await model.login()
        seen["server-version"] = login["server-version"]
        seen["versions"] = model.versions
        await model.call("Pinger", "Ping")
        config = (await model.call("ModelConfig", "ModelGet"))["config"]
        seen["charmhub-url"] = config["charmhub-url"]["value"]
        with urllib.request.urlopen(f"{seen['charmhub-url']}/v2/charms/info/hello") as r:
            seen["charm-info-name"] = json.loads(r.read())["name"]
        watcher = (await model.call("Client", "WatchAll"))["watcher-id"]
        first = await model.call("AllWatcher", "Next", Id=watcher)
        seen["model-delta-config"] = [d[2].get("config", {}).get("charmhub-url") for d in first["deltas"]
                                      if d[0] == "model"]
        charm_url = upload_charm(uuid, "hello")
        seen["charm-url"] = charm_url
        deploy = await model.call("Application", "Deploy", {"applications": [
            {"application": "hello", "charm-url": charm_url, "num-units": units, "charm-origin": {"source": "local"},
             "config-yaml": "hello: {}\n"}]})
        seen["deploy"] = deploy["results"]
        statuses = {}
        while len(statuses) < units or any(s != "active" for s in statuses.values()):
            for kind, _change, entity in (await model.call("AllWatcher", "Next", Id=watcher))["deltas"]:
                if kind == "unit":
                    statuses[entity["name"]] = entity["workload-status"]["current"]
                    seen["since"] = entity["workload-status"]["since"]
        seen["units"] = statuses
        status = await model.call("Client", "FullStatus", {"patterns": None})
        seen["application-status"] = status["applications"]["hello"]["status"]["status"]
        await model.call("AllWatcher", "Stop", Id=watcher)
    print(json.dumps(seen))


asyncio.run(main())
