"""What the JSON API reads and writes. Field descriptions end up in the OpenAPI document."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class Person(Schema):
    email: str
    name: str


class TicketOut(Schema):
    number: str
    subject: str
    status_id: int
    status: str
    state: str = Field(description="open or closed")
    priority: int = Field(description="1 Low, 2 Normal, 3 High, 4 Urgent (osTicket's ids)")
    type: str
    source: str
    department_id: int
    department: str
    help_topic: str | None
    requester: Person
    assignee_id: int | None = Field(description="Agent id")
    assignee: str | None
    team_id: int | None
    team: str | None
    is_overdue: bool
    is_answered: bool
    due_at: datetime | None
    created_at: datetime
    updated_at: datetime
    last_message_at: datetime | None
    last_response_at: datetime | None
    closed_at: datetime | None


class TicketPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[TicketOut]


class AttachmentOut(Schema):
    name: str
    size: int
    content_type: str


class EntryOut(Schema):
    id: int
    kind: str = Field(description="message (customer), response (agent reply) or note (internal)")
    author: str
    body_html: str = Field(description="Sanitised HTML")
    body_text: str
    source: str
    created_at: datetime
    attachments: list[AttachmentOut]


class TicketDetail(TicketOut):
    collaborators: list[Person]
    thread: list[EntryOut]


class ReplyIn(Schema):
    body: str
    is_html: bool = False
    status_id: int | None = Field(None, description="Also set this status, as the staff panel's reply form")


class NoteIn(Schema):
    body: str
    is_html: bool = False


class StatusIn(Schema):
    status_id: int


class AssignIn(Schema):
    agent_id: int | None = Field(None, description="Agent id; null unassigns")
    team_id: int | None = Field(None, description="Team id; null clears the team")


class StatusOut(Schema):
    id: int
    name: str
    state: str


class Problem(Schema):
    detail: str
