"""The Tasks section of the staff panel: /scp/tasks/..."""

from django.urls import URLPattern, path

from tasks import views

urlpatterns: list[URLPattern] = [
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/queues/<slug:slug>/", views.task_queue, name="task_queue"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:pk>/", views.task_page, name="task"),
    path("tasks/<int:pk>/assign", views.task_assign, name="task_assign"),
    path("tasks/<int:pk>/edit", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/complete", views.task_complete, name="task_complete"),
    path("tasks/<int:pk>/reopen", views.task_reopen, name="task_reopen"),
    path("tasks/<int:pk>/note", views.task_note, name="task_note"),
    path("tasks/<int:pk>/attachments/<int:attachment>", views.task_attachment, name="task_attachment"),
]
