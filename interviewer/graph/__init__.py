"""The LangGraph interviewer: state, nodes and wiring."""

from interviewer.graph.graph import build_graph, compile_graph
from interviewer.graph.state import InterviewContext, InterviewState, PendingPrompt

__all__ = ["InterviewContext", "InterviewState", "PendingPrompt", "build_graph", "compile_graph"]
