"""The state machine: one `transitions.Machine` per definition (model=None), fired on the loaded row.

The engine decides; it does not write. `fire` moves the row's `state` attribute and returns the
transition spec so the service can write the effects in the same transaction.
"""

from __future__ import annotations

from typing import Any, Protocol

from transitions import EventData, Machine, MachineError

from .definitions import Definition, TransitionSpec, sources_of
from .errors import GuardRejected, NotPermitted, TransitionNotAllowed
from .guards import GUARDS, Actor, CaseFacts, GuardContext


class HasState(Protocol):
    state: str


class Engine:
    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self.machine = Machine(
            model=None,
            states=list(definition.states),
            initial=definition.initial,
            transitions=[
                {
                    "trigger": t.event,
                    "source": sources_of(definition, t),
                    "dest": t.dest,
                    "conditions": [self._guards_pass(t)],
                }
                for t in definition.transitions
            ],
            auto_transitions=False,
            send_event=True,
            model_attribute="state",
        )

    @staticmethod
    def _guards_pass(t: TransitionSpec) -> Any:
        def check(event: EventData) -> bool:
            ctx: GuardContext = event.kwargs["ctx"]
            rejections: list[str] = event.kwargs["rejections"]
            for ref in t.guards:
                reason = GUARDS[ref.name](ctx, **ref.params)
                if reason:
                    rejections.append(reason)
            return not rejections

        return check

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

    def guard_reasons(self, t: TransitionSpec, ctx: GuardContext) -> list[str]:
        return [r for ref in t.guards if (r := GUARDS[ref.name](ctx, **ref.params))]

    def available(self, actor: Actor, case: CaseFacts, ctx: GuardContext) -> list[TransitionSpec]:
        """The events this actor may fire now: right state, right role, guards satisfied."""
        return [
            t
            for t in self.definition.transitions
            if case.state in sources_of(self.definition, t)
            and self.role_for(t, actor, case)
            and not self.guard_reasons(t, ctx)
        ]

    # -- the move ---------------------------------------------------------------------------------

    def check(
        self, state: str, event: str, actor: Actor, case: CaseFacts, *, by_engine: bool = False
    ) -> TransitionSpec:
        """The transition for `event`, if it exists from `state` and the actor may fire it.

        `by_engine`: the engine fires an auto event for a child that ended; only auto events go this way."""
        d = self.definition
        t = d.transition(event)
        if t is None:
            raise TransitionNotAllowed(f"流程“{d.title}”没有事件 {event!r}")
        if state not in sources_of(d, t):
            raise TransitionNotAllowed(
                f"案件当前处于“{d.state_title(state)}”，不能执行“{t.title}”（{event}）"
            )
        if t.auto != by_engine:
            raise NotPermitted(f"“{t.title}”由系统在关联流程结束时自动执行，不能手动执行")
        if not by_engine and not self.role_for(t, actor, case):
            raise NotPermitted(self._why_not_permitted(t, actor, case))
        return t

    def fire(
        self, row: HasState, event: str, ctx: GuardContext, *, by_engine: bool = False
    ) -> TransitionSpec:
        """Move `row.state`, or raise: not from this state, not this actor, or a guard said no."""
        t = self.check(row.state, event, ctx.actor, ctx.case, by_engine=by_engine)
        rejections: list[str] = []
        try:
            moved = self.machine.events[event].trigger(row, ctx=ctx, rejections=rejections)
        except MachineError as exc:
            raise TransitionNotAllowed(f"不能执行“{t.title}”：{exc.value}") from exc
        if not moved:
            raise GuardRejected("；".join(rejections) or f"不满足执行“{t.title}”的条件")
        return t

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
        return f"“{t.title}”只能由以下角色执行：{'、'.join(ROLE_TITLES.get(r, r) for r in t.roles)}"


ROLE_TITLES = {
    "handler": "承办人",
    "reviewer": "法制审核人员",
    "legal_head": "法制机构负责人",
    "agency_head": "机关负责人",
    "supervisor": "执法监督人员",
    "admin": "系统管理员",
    "filing_officer": "备案审查人员",
}
