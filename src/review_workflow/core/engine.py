"""The state machine: one `transitions.Machine` per definition (model=None), fired on the loaded row.

The engine decides; it does not write. `check` finds the transition and checks who fires it; `fire` runs
the named guards (all of them, so every reason is told at once) and then lets the Machine move the row's
`state` — or leave it, for an event with no `dest`. The service writes the effects in the same
transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Protocol

from transitions import Machine, MachineError

from .definitions import Definition, TransitionSpec, sources_of
from .errors import GuardRejected, NotPermitted, TransitionNotAllowed
from .guards import Actor, CaseFacts, GuardContext, reasons


class HasState(Protocol):
    state: str


class Engine:
    def __init__(self, definition: Definition, role_titles: Mapping[str, str]) -> None:
        self.definition = definition
        self.role_titles = role_titles
        self.machine = Machine(
            model=None,
            states=list(definition.states),
            initial=definition.initial,
            transitions=[
                # dest None: an internal transition, the state stays as it is
                {"trigger": t.event, "source": sources_of(definition, t), "dest": t.dest}
                for t in definition.transitions
            ],
            auto_transitions=False,
            model_attribute="state",
        )

    # -- who may do what -------------------------------------------------------------------------

    def role_for(self, t: TransitionSpec, actor: Actor, case: CaseFacts) -> str | None:
        """The role in which the actor may fire `t` on this case, or None (always None for auto events)."""
        acting_agency = case.counterpart_agency_id if t.by == "counterpart" else case.agency_id
        if actor.agency_id != acting_agency:
            return None
        for role in t.roles:
            if role not in actor.roles:
                continue
            if role == self.definition.owner_role and actor.id != case.handler_id:
                continue
            return role
        return None

    def available(self, actor: Actor, case: CaseFacts, ctx: GuardContext) -> list[TransitionSpec]:
        """The events this actor may fire now: right state, right role, guards satisfied (as far as they
        can tell before the payload is given)."""
        return [
            t
            for t in self.definition.transitions
            if case.state in sources_of(self.definition, t)
            and self.role_for(t, actor, case)
            and not reasons(t.guards, replace(ctx, event=t.event, preview=True))
        ]

    # -- the move ---------------------------------------------------------------------------------

    def check(
        self, state: str, event: str, actor: Actor, case: CaseFacts, *, by_engine: bool = False
    ) -> TransitionSpec:
        """The transition for `event`, if it exists from `state` and the actor may fire it.

        `by_engine`: the engine fires an auto event (a child ended, a timer ran out); only those go this way."""
        d = self.definition
        t = d.transition(event)
        if t is None:
            raise TransitionNotAllowed(f"流程“{d.title}”没有事件 {event!r}")
        if state not in sources_of(d, t):
            raise TransitionNotAllowed(
                f"案件当前处于“{d.state_title(state)}”，不能执行“{t.title}”（{event}）"
            )
        if t.auto != by_engine:
            raise NotPermitted(f"“{t.title}”由系统自动执行（关联流程结束或期限届满时），不能手动执行")
        if not by_engine and not self.role_for(t, actor, case):
            raise NotPermitted(self._why_not_permitted(t, actor, case))
        return t

    def fire(self, row: HasState, t: TransitionSpec, ctx: GuardContext) -> None:
        """Move `row.state` by the checked transition `t`, or raise GuardRejected with every reason."""
        refused = reasons(t.guards, ctx)
        if refused:
            raise GuardRejected("；".join(refused))
        try:
            self.machine.events[t.event].trigger(row)
        except MachineError as exc:
            raise TransitionNotAllowed(f"不能执行“{t.title}”：{exc.value}") from exc

    def _why_not_permitted(self, t: TransitionSpec, actor: Actor, case: CaseFacts) -> str:
        if t.by == "counterpart" and actor.agency_id != case.counterpart_agency_id:
            counterpart = self.definition.counterpart
            return f"“{t.title}”只能由{counterpart.title if counterpart else '相对方机关'}办理"
        if t.by == "owner" and actor.agency_id != case.agency_id:
            return "只能办理本机关的案件"
        if self.definition.owner_role in t.roles and self.definition.owner_role in actor.roles:
            others = [r for r in t.roles if r != self.definition.owner_role]
            if not set(others) & actor.roles:
                return f"只有本案承办人可以执行“{t.title}”"
        return f"“{t.title}”只能由以下角色执行：{'、'.join(self.role_titles.get(r, r) for r in t.roles)}"
