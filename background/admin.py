from datetime import timedelta

from django.contrib import admin, messages
from django.tasks import TaskResultStatus
from django.utils.html import format_html
from django_tasks_db.models import DBTaskResult

from .models import BackgroundTask

# Staff see the queue through BackgroundTask (plain words, a retry action, its own rights),
# not the library's raw table.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)

# A task due this long ago and not started means no worker is running.
WORKER_SILENT_AFTER = timedelta(minutes=5)
WORKER_SILENT_MESSAGE = (
    "Some tasks have waited more than 5 minutes: the task worker may not be running. "
    "Nothing is lost: emails to staff and readers are kept and sent once it runs."
)


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("problems", "Failed, waiting to try again, or stopped"),
            ("failed", "Gave up"),
            ("waiting", "Waiting to run"),
            ("done", "Done"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "problems":
                return queryset & BackgroundTask.objects.needing_attention()
            case "failed":
                return queryset.filter(status=TaskResultStatus.FAILED)
            case "waiting":
                return queryset.filter(status=TaskResultStatus.READY)
            case "done":
                return queryset.filter(status=TaskResultStatus.SUCCESSFUL)
        return queryset


@admin.register(BackgroundTask)
class BackgroundTaskAdmin(admin.ModelAdmin):
    list_display = ["description", "state", "attempts", "last_error", "enqueued_at"]
    list_filter = [NeedsAttentionFilter]
    fields = [
        "description",
        "state",
        "attempts",
        "last_error",
        "enqueued_at",
        "started_at",
        "finished_at",
        "error_details",
    ]
    readonly_fields = fields
    actions = ["try_again_now"]

    @admin.display(description="what")
    def description(self, task):
        return task.description

    @admin.display(description="state")
    def state(self, task):
        if task.status == TaskResultStatus.SUCCESSFUL:
            return "Done"
        if task.is_stuck:
            return "Its worker stopped while running it: it will be tried again"
        if task.status == TaskResultStatus.RUNNING:
            return "Running now"
        if task.status == TaskResultStatus.FAILED:
            return f"Gave up after {task.attempts} attempt{'s' if task.attempts != 1 else ''}"
        if task.retry_at:
            local = task.retry_at.astimezone()
            return f"Failed; trying again at {local:%H:%M:%S on %d %b}"
        return "Waiting to run"

    @admin.display(description="attempts")
    def attempts(self, task):
        return task.attempts

    @admin.display(description="last error")
    def last_error(self, task):
        return task.last_error or "—"

    @admin.display(description="error details")
    def error_details(self, task):
        if not task.traceback:
            return "—"
        return format_html("<pre class='task-traceback'>{}</pre>", task.traceback)

    def changelist_view(self, request, extra_context=None):
        if BackgroundTask.objects.waiting_longer_than(WORKER_SILENT_AFTER).exists():
            self.message_user(request, WORKER_SILENT_MESSAGE, messages.WARNING)
        return super().changelist_view(request, extra_context)

    @admin.action(description="Try the selected tasks again now", permissions=["retry"])
    def try_again_now(self, request, queryset):
        count = queryset.try_again_now()
        self.message_user(
            request,
            f"{count} task{'s' if count != 1 else ''} will be tried again shortly."
            if count
            else "None of the selected tasks had failed: nothing to try again.",
            messages.SUCCESS if count else messages.WARNING,
        )

    def has_retry_permission(self, request):
        return request.user.has_perm("background.retry_backgroundtask")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
