"""Kafka topic names (architecture §5). Topics are provisioned explicitly, never auto-created."""

INTAKE_TOPIC = "motcua.intake.v1"
WORKFLOW_TOPIC = "motcua.workflow.v1"
FEEDBACK_TOPIC = "motcua.feedback.v1"

MAIN_TOPICS = (INTAKE_TOPIC, WORKFLOW_TOPIC, FEEDBACK_TOPIC)


def dlq_topic(topic: str) -> str:
    """The dead-letter topic of a consumed topic."""
    return f"{topic}.dlq"


ALL_TOPICS = (*MAIN_TOPICS, *(dlq_topic(t) for t in MAIN_TOPICS))
