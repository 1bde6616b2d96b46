"""A phone's replica as the convergence machine models it: what the server last told it, an
outbox of mutations and a pull cursor (DESIGN §5, docs/architecture.md "On the other phone")."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.server.sync_api.wire import Device

SET_FIELDS = {"risk_flags"}


def combine_sets(old: dict, new: dict) -> dict:
    """Two set edits as one: the later one's removes undo earlier adds, and the other way round."""
    add = (set(old.get("add", [])) - set(new.get("remove", []))) | set(new.get("add", []))
    remove = (set(old.get("remove", [])) - set(new.get("add", []))) | set(new.get("remove", []))
    return {"add": sorted(add), "remove": sorted(remove)}


@dataclass
class Phone:
    name: str
    http: Device
    home_grid: int
    known: dict[tuple[str, str], dict] = field(default_factory=dict)
    outbox: list[dict] = field(default_factory=list)
    attempted: set[str] = field(default_factory=set)
    deleting: set[tuple[str, str]] = field(default_factory=set)
    cursor: str | None = None

    def pending_create(self, key) -> dict | None:
        for m in self.outbox:
            if (m["entity"], m["id"]) == key and m["base_version"] == 0 and m["mid"] not in self.attempted:
                return m
        return None

    def live(self, entity: str) -> list[str]:
        """Records of ``entity`` this phone may edit: known alive, or made here and not yet sent."""
        ids = {i for (e, i), c in self.known.items() if e == entity and not c["deleted"]}
        ids |= {m["id"] for m in self.outbox if m["entity"] == entity and m["base_version"] == 0}
        return sorted(i for i in ids if (entity, i) not in self.deleting)

    def empty_households(self) -> list[str]:
        """Known households with no minor this phone knows of: the ones a worker may delete."""
        members = {
            c["data"].get("household_id") for (e, _), c in self.known.items() if e == "minor" and c["data"]
        }
        members |= {m.get("fields", {}).get("household_id") for m in self.outbox if m["entity"] == "minor"}
        return [i for i in self.live("household") if ("household", i) in self.known and i not in members]

    def edit(self, entity: str, record_id: str, fields: dict) -> None:
        key = (entity, record_id)
        create = self.pending_create(key)
        if create is not None:
            for name, value in fields.items():
                if name in SET_FIELDS:
                    value = combine_sets(create["fields"].get(name, {}), value)
                create["fields"][name] = value
            return
        base = self.known[key]["version"] if key in self.known else 0
        self.outbox.append(self.http.mutation(entity, record_id, fields, base=base))

    def delete(self, entity: str, record_id: str) -> None:
        key = (entity, record_id)
        self.deleting.add(key)
        self.outbox.append(self.http.delete(entity, record_id, base=self.known[key]["version"]))

    def settle(self, mutation: dict, result: dict) -> None:
        """What the phone does with an answer it received."""
        self.outbox.remove(mutation)
        key = (mutation["entity"], mutation["id"])
        if result["status"] == "rejected":
            self.deleting.discard(key)  # kept flagged for the user; the test's oracle judges it
            return
        if mutation["op"] == "delete":
            self.deleting.discard(key)
            if result["status"] == "applied":
                self.known[key] = {"version": result["version"], "deleted": True, "data": {}}
            return
        if result["status"] != "applied":
            return  # merged or in conflict: other changes arrived meanwhile; the next pull shows them
        # Applied means nothing else changed since the base: later unsent edits build on it.
        if result["version"] > self.known.get(key, {}).get("version", 0):
            # The phone keeps what it wrote (which household a child lives in, say) until a
            # pull brings the server's whole record.
            previous = self.known.get(key, {}).get("data") or {}
            written = {k: v for k, v in mutation["fields"].items() if k not in SET_FIELDS}
            self.known[key] = {
                "version": result["version"],
                "deleted": False,
                "data": {**previous, **written},
            }
        for later in self.outbox:
            if (later["entity"], later["id"]) == key and later["mid"] not in self.attempted:
                later["base_version"] = max(later["base_version"], result["version"])

    def take_page(self, page: dict) -> None:
        if page["reset"]:
            self.known.clear()
        for change in page["changes"]:
            if change["entity"] in ("household", "minor"):
                self.known[(change["entity"], change["id"])] = {
                    "version": change["version"],
                    "deleted": change["deleted"],
                    "data": change["data"],
                }
        self.cursor = page["cursor"]
