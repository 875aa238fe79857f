"""Wiring only: plan -> select -> ask (interrupt) -> assess -> decide -> (ask | select | wrap_up)."""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph

from interviewer.graph import nodes
from interviewer.graph.state import InterviewContext, InterviewState


def _after_select(state: InterviewState) -> str:
    return "wrap_up" if state.get("next_action") == "wrap_up" else "ask"


def _after_decide(state: InterviewState) -> str:
    return "ask" if state.get("next_action") == "ask" else "select_question"


def build_graph() -> StateGraph[InterviewState, InterviewContext, InterviewState, InterviewState]:
    builder = StateGraph(InterviewState, context_schema=InterviewContext)
    builder.add_node("plan", nodes.plan)
    builder.add_node("select_question", nodes.select_question)
    builder.add_node("ask", nodes.ask)
    builder.add_node("assess", nodes.assess)
    builder.add_node("decide", nodes.decide)
    builder.add_node("wrap_up", nodes.wrap_up)
    builder.add_edge(START, "plan")
    builder.add_edge("plan", "select_question")
    builder.add_conditional_edges("select_question", _after_select, ["ask", "wrap_up"])
    builder.add_edge("ask", "assess")
    builder.add_edge("assess", "decide")
    builder.add_conditional_edges("decide", _after_decide, ["ask", "select_question"])
    builder.add_edge("wrap_up", END)
    return builder


def compile_graph(checkpointer: Any) -> Any:
    """The interviewer graph, persisting every step through ``checkpointer``."""
    return build_graph().compile(checkpointer=checkpointer)
