# What `ticket` says to a counsellor, in English.
#
# One message per line: `id = text`. Words in braces, such as { $id }, are filled in by
# the program: keep them as they are. The French and Dutch files hold the same messages;
# a test fails when a message or one of its { $words } is missing from a language.
# Lines starting with # are comments for whoever reviews the texts.

## The inbox: title bar

inbox-title = Inbox
inbox-view-open = open tickets
inbox-view-waiting = waiting for the writer
inbox-view-closed = closed tickets
inbox-view-all = all tickets
inbox-count = { $count ->
    [one] { $count } ticket
   *[other] { $count } tickets
}
# { $name } is the counsellor's user name, { $role } one of the two roles below.
inbox-whoami = { $name } ({ $role })
role-counsellor = counsellor
role-supervisor = supervisor
inbox-too-small = This terminal is too small for the inbox: make it at least { $width } columns by { $height } lines.

## The list

column-ticket = TICKET
column-status = STATUS
column-waiting = WAITING
column-received = RECEIVED
column-messages = MSGS
column-claimed = CLAIMED
column-subject = SUBJECT
status-open = open
status-waiting = waiting
status-closed = closed
inbox-empty = No tickets here. New mail shows up by itself.
inbox-loading = Fetching the tickets…
error-service-starting = The service is starting and does not answer yet; try again in a moment.
error-still-loading = The service is still loading its catalog (started { $seconds } s ago); try again in a moment.

# How long the writer has waited, never more precisely than the stored times.
waited-future = in the future
waited-today = today
waited-this-hour = this hour
waited-now = just now
waited-minutes = { $n } min ago
waited-hours = { $n } h ago
waited-days = { $n } d ago
waited-months = { $n } mo ago

## A ticket's thread

thread-ticket = Ticket
thread-urgent = URGENT
thread-subject = Subject:
thread-received = Received:
thread-language = Language:
thread-urgent-reason = Urgent:
thread-claimed = Claimed by:
thread-classification = Classification:
thread-tags = Tags:
thread-no-reply = No reply address is kept for this ticket: it cannot be answered.
thread-from-writer = the writer wrote
thread-from-helpline = the helpline answered
thread-from-acknowledgement = automatic acknowledgement
thread-different-sender = This message came from a different address than the first one.
thread-notes = internal notes (never sent)
# An attachment: its number, generic name, type and size.
thread-attachment = [{ $number }] { $name } ({ $kind }, { $size })
attachment-cleaned = cleaned of its metadata
attachment-as-is = kept as it came
attachment-withheld = withheld
attachment-withheld-because = withheld: { $reason }
withheld-carries-identity = this kind of file carries identities
withheld-not-cleaned = this format cannot be cleaned of its metadata yet
withheld-unsupported = this kind of file is not accepted
withheld-encrypted = encrypted content cannot be cleaned
withheld-too-large = larger than the attachment limit
withheld-message-too-large = the message's attachments passed the size limit
withheld-cleaner-failed = the cleaner failed on this file
withheld-damaged = the file is damaged
withheld-limit-exceeded = the file passes a safety limit
withheld-quarantined = released from quarantine: attachments withheld
sender-unknown = Sender not verified: our mail server could not confirm who sent this message. A reply goes to the address it came from, which may not be the writer's.
sender-failed = Sender not verified, and suspicious: our mail server's check of who sent this message failed (it may be forged). A reply goes to the address it came from, which may belong to someone who never wrote.
delivery-queued = queued, not sent yet
delivery-retrying = not sent yet ({ $attempts } attempts; { $reason })
delivery-sent = sent
delivery-not-delivered = not delivered: { $reason }
delivery-bounced = delivery failed (the writer's server sent it back)
language-fr = French
language-nl = Dutch
language-en = English
language-unknown = not recognised

## Search

search-title = Search “{ $query }”: { $count ->
    [one] { $count } ticket
   *[other] { $count } tickets
}
search-none = Nothing found for “{ $query }”.

## Keys: the footer's short labels

key-move = move
key-scroll = scroll
key-open = open
key-back = back
key-quit = quit
key-search = search
key-reply = reply
key-note = note
key-claim = claim
key-tag = tag
key-close = close
key-urgent = urgent
key-save = attachment
key-view = which tickets
key-refresh = refresh
key-help = help

## Keys: the help (press ?)

help-title = Keys
help-move = Move through the list, or scroll the thread
help-open = Open the selected ticket
help-back = Go back; from the list, leave the inbox
help-search = Search subjects, messages and notes
help-reply = Answer the writer in your editor; asks before sending
help-note = Add an internal note, never sent to the writer
help-claim = Claim the ticket, or release your claim
help-tag = Add a tag (a minus before it removes it)
help-close = Close the ticket with its classification; asks first
help-urgent = Mark urgent with a reason, or clear the mark
help-save = Save an attachment to a file that is yours to delete
help-view = Show open, waiting, closed or all tickets
help-refresh = Fetch again now (the list also refreshes by itself)
help-help = Show this help; any key closes it
help-interrupt = Leave the inbox at once
help-audit = Every list, search and thread you open is recorded in the audit log under your name.

## Typing a line

prompt-title = Type
prompt-keys = Enter confirms · Esc cancels
prompt-search = Search for (every word must appear):
prompt-tag = Tag for ticket { $id } (a minus before it removes it):
prompt-urgent = Why is ticket { $id } urgent? (possible grave and imminent danger)
prompt-path = Save { $name } as (a new file; ~ is your home folder):

## Choosing in a list

pick-keys = ↑↓ choose · Enter confirms · Esc cancels
pick-keys-several = ↑↓ choose · Space marks · Enter confirms · Esc cancels
pick-template = Start the reply from a saved reply?
pick-template-none = (an empty reply)
pick-type = Close ticket { $id }: what kind of contact was it?
pick-no-classification = (close without a classification)
pick-categories = What was it about? (none, one or several)
pick-role = The writer's role, as they describe it
pick-role-none = (not said)
pick-attachment = Which attachment?

## Questions that need a clear yes

confirm-title = Confirm
confirm-keys = y: yes · n or Esc: no
confirm-send-title = This will be sent
confirm-send-to = To: the writer (address sealed; you will not see it)
confirm-send-subject = Subject: { $subject }
confirm-send-more = … and { $count ->
    [one] { $count } more line
   *[other] { $count } more lines
}
confirm-send-unedited = This is the saved reply “{ $name }” exactly as it is: nothing in it was written for this writer.
confirm-send-gaps = { $count ->
    [one] The saved reply still has a gap to fill.
   *[other] The saved reply still has { $count } gaps to fill.
}
confirm-send-forced = Someone else claimed this ticket: your answer overrides the claim, and the audit log records it.
confirm-send-question = Send it?
confirm-force-reply = Ticket { $id } is claimed by { $holder }. Answer it anyway? The audit log records it.
confirm-close-as = Classification: { $classification }
confirm-close-claimed = Ticket claimed by { $holder }: closing it overrides the claim, and the audit log records it.
confirm-close = Close ticket { $id }?
confirm-clear-urgent = Clear the urgent mark of ticket { $id }?
confirm-take-claim = Ticket { $id } is claimed by { $holder }. Take the claim over? The audit log records it.
confirm-save = Write { $name } ({ $size }) to { $path }? The copy is yours to delete when you no longer need it.

## What happened

done-sent-now = Reply to ticket { $id } queued: the service is sending it now.
done-sent-no-smtp = Reply to ticket { $id } queued: it will be sent once an [smtp] server is configured.
done-sent-later = Reply to ticket { $id } queued: it will be sent when the service runs.
done-note = Note added to ticket { $id }.
done-claimed = Ticket { $id } is yours: nobody else answers or closes it without overriding your claim.
done-released = Your claim on ticket { $id } is released.
done-tagged = Tag “{ $tag }” added.
done-untagged = Tag “{ $tag }” removed.
done-closed = Ticket { $id } closed.
done-urgent = Ticket { $id } marked urgent.
done-not-urgent = Ticket { $id } is no longer urgent.
done-saved = Saved to { $path }. This copy is yours to delete when you no longer need it.
inbox-not-sent = Not sent.
inbox-not-closed = Not closed.
inbox-not-saved = Not saved.
inbox-nothing-changed = Nothing changed.
inbox-reply-empty = The reply is empty: nothing was sent.
inbox-note-empty = The note is empty: nothing was saved.
inbox-claimed-by-other = Ticket { $id } is claimed by { $holder }: only a supervisor can take the claim over.
inbox-no-reply-address = This ticket keeps no reply address: it cannot be answered.
inbox-no-attachment = This ticket has no attachment that can be saved.
inbox-no-classification = The classification could not be read: the ticket cannot be closed from here.
inbox-refused = Refused: { $reason }
inbox-editor-failed = Your editor failed: { $reason }
inbox-save-failed = Not saved to { $path }: { $reason }

## The editor (lines starting with # are removed before anything is sent or saved)

editor-reply-hint = Write your reply above these lines.
editor-reply-gaps = Fill in every { $gap } of the saved reply with what this writer needs to read.
editor-reply-private = It goes to the writer from the helpline's address; your name is never in it.
editor-note-hint = Write the internal note above these lines. It is never sent to the writer.
editor-comments = Lines starting with # are removed. An empty text is neither sent nor saved.

## Saved replies (ticket templates, ticket reply --template)

templates-column-name = NAME
templates-column-languages = LANGUAGES
templates-column-first-line = FIRST LINE
templates-none = No saved replies: put files NAME.fr.txt, NAME.nl.txt or NAME.en.txt in the saved-replies folder (replies.saved_dir).
templates-hint = Start a reply from one: ticket reply ID --template NAME (repeat --template to add another after it).
# { $names } are saved replies, { $language } the ticket's language.
reply-in-english = Not written in { $language }: { $names } is given in English. Translate it in the editor, or add the file in that language.

## Reply targets (ticket list)

# How long the writer has waited, counted in working hours.
column-work-hours = WORK H
# After the working hours of a ticket past the reply target.
list-overdue-mark = late

## Dates and times, in the helpline's time zone, never more precise than they are stored

date-short = { $year }-{ $month }-{ $day }
date-long = { $day } { $month } { $year }
# A time stored to the hour: the hour it fell in.
time-short-hour = { $date } { $hour }h
time-short-minute = { $date } { $time }
time-long-hour = { $date }, between { $from } and { $to }
time-long-minute = { $date }, { $time }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## The command line's help (`ticket --help`, `ticket list --help`): cli-COMMAND is what the
## command does, cli-COMMAND--OPTION what an option does, cli--OPTION an option shared by
## several commands. Words in backquotes and in capitals are typed as they are: keep them.

cli-heading-usage = Usage:
cli-heading-commands = Commands
cli-heading-options = Options
cli-heading-arguments = Arguments
cli-help-command = Print this message or the help of the given command(s)
cli--help = Print help (a summary with '-h', everything with '--help')
cli--version = Print version
cli--id = The ticket reference
cli--json = Print JSON
cli-ticket = ticket: read and answer the helpline's messages
    .long =
        ticket: read and answer the helpline's messages.

        Every ticket is one writer's thread. Writers are never shown by address or name, only as "writer". Every read and every action is recorded in the audit log under your identity, which the service reads from the system (not from anything you type).

        ticket talks to the running service (`sourdine run`) through its socket. When no service runs, it opens the store directly (operators, with --config).

        `ticket` alone, on a terminal, opens the inbox: the list, the threads and every step of the work on single keys (`?` lists them).

        Exit status: 0 done; 1 refused or failed; 2 no service and no store could be reached, or a yes was needed and not given; 75 the service is starting or still loading its catalog: try again in a moment.
cli-ticket--socket = The service's control socket [default: the configuration's, else /run/sourdine/control.sock]
cli-ticket--config = Configuration file (to find the socket, or to open the store when no service runs)
cli-ticket--lang = The language of labels, messages and dates: fr, nl or en [default: $SOURDINE_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG), else en]
cli-ticket-inbox = The inbox: a full-screen view of the tickets, worked with single keys (also `ticket` alone, on a terminal)
cli-ticket-list = List tickets: urgent first, then the writer who has waited longest
cli-ticket-list--status = Which tickets: open (awaiting an answer), waiting (awaiting the writer), closed, all
cli-ticket-list--unanswered = Only tickets never answered
cli-ticket-list--mine = Only tickets you claimed
cli-ticket-list--tag = Only tickets with this tag
cli-ticket-list--urgent = Only urgent tickets
cli-ticket-list--overdue = Only open tickets whose writer has waited longer than the reply target (replies.target_hours, counted in the working hours of [hours])
cli-ticket-list--limit = Show at most N tickets (default: the first 50 in the table, every one with --json)
cli-ticket-list--all = Show every matching ticket in the table, not only the first 50
cli-ticket-list--json = Print a JSON array (id, status, received, subject, ...)
cli-ticket-show = Show a ticket's whole thread and its notes (the read is audited)
cli-ticket-show--id = The ticket reference (e.g. K7F3QX9M; case and dashes do not matter)
cli-ticket-show--json = Print a JSON object (id, status, messages with direction, received, subject, body, attachments)
cli-ticket-attachment = Save an attachment's cleaned bytes to a file (0600; the copy is yours to delete)
cli-ticket-attachment--attachment = The attachment: its number (as `ticket show` lists it) or its name (attachment-2.jpg)
cli-ticket-attachment--output = Where to write the cleaned bytes (`-` for standard output, when it is a file or a pipe, never a terminal). The file is created 0600 and must not exist yet
cli-ticket-reply = Answer the writer of a ticket, after a clear yes (through the outbox; your name is never in it)
cli-ticket-reply--file = Read the reply from this file (`-` for standard input). Without it, your editor ($VISUAL / $EDITOR) opens with the thread quoted as comments
cli-ticket-reply--template = Start from a saved reply (`ticket templates` lists them), in the ticket's language (else in English, and you are told). Repeat it to put several one after the other. Its gaps ([...]) are yours to fill: outside a terminal a saved reply with a gap left is not sent
cli-ticket-reply--yes = Send without asking (needed when standard input or output is not a terminal)
cli-ticket-reply--unverified = Send although our mail server did not verify the ticket's sender (the reply could reach someone who never wrote). Needed beside --yes, or off a terminal; a terminal asks instead. Audited
cli-ticket-reply--force = Answer a ticket someone else claimed (recorded in the audit log)
cli-ticket-templates = List the saved replies: name, languages, first line (start a reply from one with `ticket reply ID --template NAME`)
cli-ticket-templates--json = Print a JSON array (name, languages, first_line)
cli-ticket-reply--resume = Continue your draft of a reply to this ticket (`ticket drafts` lists them). On a terminal, `ticket reply ID` offers it
cli-ticket-reply--discard = Destroy your draft of a reply to this ticket, and stop
cli-ticket-reply--review = Hold this reply for a supervisor's review instead of sending it: it leaves once another supervisor approves it (`ticket review`). `replies.review` may ask for it anyway
cli-ticket-drafts = Your drafts: replies you wrote and did not send (`ticket reply ID` resumes one)
cli-ticket-drafts--json = Print a JSON array (ticket, updated, first_line)
cli-ticket-review = Replies waiting for a supervisor's review: list, show, approve (send) or reject (return to the author as a draft)
cli-ticket-review--json = Print a JSON array (ticket, author, submitted, urgent, sender)
cli-ticket-review-show = Show a waiting reply with its text (the read is audited)
cli-ticket-review-approve = Send a waiting reply, after a clear yes (supervisors; never your own reply)
cli-ticket-review-approve--yes = Send without asking (needed when standard input or output is not a terminal)
cli-ticket-review-approve--unverified = Send although our mail server did not verify the ticket's sender (needed beside --yes, or off a terminal; a terminal asks instead). Audited
cli-ticket-review-reject = Return a waiting reply to its author as a draft, with the reason (supervisors)
cli-ticket-review-reject--reason = Why: the author reads it when they resume the draft (never in the audit log)
cli-ticket-note = Add an internal note to a ticket (never sent to the writer)
cli-ticket-note--file = Read the note from this file (`-` for standard input). Without it, the note is read from standard input when that is not a terminal, else from $VISUAL / $EDITOR
cli-ticket-close = Close a ticket, recording the contact's classification (--type, --category, --role); refused when someone else claimed it, unless --force
cli-ticket-close--kind = The contact's type (a code of `ticket classification`). Needed unless the configuration says `classification_required = false`; on a terminal, without it, `ticket close` asks
cli-ticket-close--categories = A category of the contact (repeat for several)
cli-ticket-close--role = The writer's role, as they describe it
cli-ticket-close--force = Close a ticket someone else claimed (recorded in the audit log)
cli-ticket-reopen = Reopen a closed ticket
cli-ticket-tag = Add a tag to a ticket
cli-ticket-tag--tag = The tag (1 to 64 characters)
cli-ticket-untag = Remove a tag from a ticket
cli-ticket-untag--tag = The tag (1 to 64 characters)
cli-ticket-claim = Claim a ticket: you will answer it
cli-ticket-claim--force = Take over (claim) or drop (release) someone else's claim (supervisors)
cli-ticket-release = Release your claim on a ticket
cli-ticket-release--force = Take over (claim) or drop (release) someone else's claim (supervisors)
cli-ticket-search = Search subjects, message text and notes
cli-ticket-search--text = Words to find (every word must appear; each matches the start of a word; accents and case do not matter)
cli-ticket-search--limit = Show at most N results
cli-ticket-search--json = Print a JSON array (id, status, subject, excerpt)
cli-ticket-urgent = Mark a ticket as a situation of possible grave and imminent danger (or clear the mark)
cli-ticket-urgent--reason = Why: the situation of possible grave and imminent danger (kept sealed in the ticket; the audit log records only that the mark was set)
cli-ticket-urgent--clear = Clear the urgent mark
cli-ticket-forget = Destroy a ticket now, for good (supervisors), after a clear yes: the writer asked to be forgotten
cli-ticket-forget--reason = Why (recorded in the audit log; write it without the writer's details)
cli-ticket-forget--yes = Destroy it without asking (needed when standard input or output is not a terminal)
cli-ticket-reveal = Lift the secret (two supervisors): request, approve, or list requests
cli-ticket-reveal--id = The ticket whose reply address must be revealed
cli-ticket-reveal--reason = Why: the grave and imminent danger (kept sealed with the ticket)
cli-ticket-reveal--approve = Approve a request made by another supervisor; shows the address once
cli-ticket-reveal--list = List reveal requests
cli-ticket-classification = List the contact classification: types, categories and roles, with their labels
cli-ticket-classification--json = Print JSON: {"{"}"types": [{"{"}"code", "labels": {"{"}"fr", "nl", "en"{"}"}{"}"}], "categories": [...], "roles": [...]{"}"}
cli-ticket-stats = Statistics for reports (supervisors): contacts by month, type, category, role and language, replies and time to reply, with small counts hidden
cli-ticket-stats--from = First month of the period, YYYY-MM [default: eleven months before --to]
cli-ticket-stats--to = Last month of the period, included, YYYY-MM [default: the current month]
cli-ticket-stats--json = Print JSON ({"{"}"from", "to", "threshold", "contacts", "by_month", "by_type", ...{"}"})
cli-ticket-stats--csv = Print CSV: one row per measure, key and value
cli-ticket-stats--html = Write the report as one self-contained HTML page (tables and charts, fit to print) to FILE
cli-ticket-whoami = Show who the service thinks you are, and your role

## ticket list

list-none = No tickets match.
list-more = (the first { $count }; --limit N or --all shows more)

## ticket reply, note, tag, claim, close… on the command line

# { $what } is reply or note.
text-unreadable = cannot read { $path }: { $reason }
text-editor-failed = cannot get the { $what } from your editor: { $reason } (or give --file F)
text-stdin-empty = no { $what } text: standard input is not a terminal and gave nothing; give --file F, pipe the text in, or run this in a terminal to write it in your editor
text-empty = the { $what } is empty; nothing was saved
reply-no-address = ticket { $id } keeps no reply address (it expired or there never was one): it cannot be answered
reply-claimed = ticket { $id } is claimed by { $holder }: ask them, or ask them to release it (ticket release { $id }); to answer it anyway, give --force (recorded in the audit log)
reply-gaps-left = not sent: the saved reply `{ $name }` still has a gap to fill ({ $gaps }); write it in a terminal (ticket reply { $id }{ $again }) or give the finished text with --file F
reply-preview-title = This will be sent:
reply-unedited = This is the saved reply `{ $name }` exactly as it is: nothing in it was written for this writer.
reply-gaps-preview = It still has a gap to fill: { $gaps }.
reply-not-done = not sent
reply-with-yes = to send it
reply-unverified = ticket { $id }: our mail server did not verify who sent it, so the reply could reach someone who never wrote; nothing was queued. Read `ticket show { $id }`, and send it only if you are sure: add --unverified beside --yes
# { $what } is one of the four lines below.
reply-queued = Reply { $reference } to ticket { $id } queued; { $what }.
reply-queued-now = the service is sending it now (ticket show tells when it has gone)
reply-queued-no-smtp = it will be sent once an [smtp] server is configured; until then it waits in the outbox
reply-queued-later = it will be sent when the service runs (no sourdine service is running now)
reply-queued-later-no-smtp = it will be sent when the service runs with an [smtp] server configured (neither is the case now)
confirm-needs-yes = { $not_done }: this needs a clear yes, and standard input or output is not a terminal to ask on; give --yes { $with_yes }
confirm-hint-yes-no = [y/N]
confirm-hint-type = (type { $word } to confirm)
# What a change did. { $what } is reopened, tagged, untagged, claimed, released, urgent or not-urgent.
said-note = note added to ticket { $id }
said-changed = ticket { $id } { $what ->
    [reopened] reopened
    [tagged] tagged
    [untagged] untagged
    [claimed] claimed
    [released] released
    [urgent] marked urgent
    [not-urgent] no longer urgent
   *[closed] closed
}
said-unchanged = ticket { $id } was already { $what ->
    [reopened] reopened
    [tagged] tagged
    [untagged] untagged
    [claimed] claimed
    [released] released
    [urgent] marked urgent
    [not-urgent] no longer urgent
   *[closed] closed
}; nothing changed
said-closed-as = ticket { $id } closed ({ $classification })
# The classification a ticket was closed with: its codes, as typed.
said-class-type = type { $codes }
said-class-categories = categories { $codes }
said-class-separator = { "; " }
said-class-role = role { $codes }
said-already-closed = ticket { $id } was already closed; nothing changed (reopen it to change its classification)
inbox-needs-terminal = the inbox needs a terminal (standard input and output); the other commands (ticket list, ticket show ID...) work anywhere
search-nothing = Nothing found.
attachment-cannot-create = cannot create { $path }
attachment-written = wrote { $name } ({ $kind }, { $size }) to { $path }
    This exported copy is yours to delete when you no longer need it.
whoami-line = { $name } (uid { $uid }), { $role }, { $through }
whoami-remote = through the running service
whoami-local = store opened directly (no service running)
forget-no-reason = give a reason with --reason; nothing was destroyed
forget-title = Destroy ticket
forget-summary = { $count ->
    [one] { $count } message
   *[other] { $count } messages
}, received { $received }
forget-warning = Its messages, attachments, notes, replies and the writer's reply address are destroyed, with the keys that could open them. This cannot be undone.
forget-question = Destroy it for good?
forget-not-done = nothing was destroyed
forget-with-yes = to destroy the ticket
forget-nothing-destroyed = Nothing was destroyed.
forget-done = Ticket { $id } destroyed: nothing of it can be read any more (its records are gone and the keys that could open them destroyed). The audit log keeps that you destroyed it, and why.
reveal-none = No reveal requests.
reveal-column-request = REQUEST
reveal-column-asked-by = ASKED BY
reveal-column-when = WHEN
reveal-column-approved-by = APPROVED BY
reveal-column-reason = REASON
reveal-pending = pending
reveal-lifted = SECRET LIFTED
reveal-address-is = Ticket { $id }: the writer's reply address is
reveal-shown-once = This is shown once and recorded in the audit log. Do not store it elsewhere.
reveal-requested = Reveal request { $request } recorded for ticket { $id }.
    A second supervisor approves it with: ticket reveal --approve { $request }
classification-types = Types (one per contact: --type CODE)
classification-categories = Categories (none, one or several: --category CODE ...)
classification-roles = The writer's role (at most one: --role CODE)
classification-column-code = CODE
classification-column-label = LABEL
classification-retired = (retired: no longer offered)
classification-required = Closing a ticket needs a type: ticket close ID --type CODE [--category CODE]... [--role CODE]
classification-optional = A type is optional when closing (classification_required = false).

## Closing on the command line: the numbered classification picker

pick-intro = Ticket { $id }: classify the contact to close it (an empty answer to the type cancels).
pick-types = Type of contact:
pick-type-prompt = Type (number)
pick-categories-title = Categories (none, one or several):
pick-categories-prompt = Categories (numbers separated by spaces; Enter for none)
pick-role-title = The writer's role, as they describe it:
pick-role-prompt = Role (number; Enter for none)
pick-give = { $max ->
    [one] give a number from 1 to { $n }
   *[other] give numbers from 1 to { $n }
}
pick-cancelled = no type chosen; the ticket was not closed
pick-invalid = no valid answer after { $tries } tries; the ticket was not closed

## Drafts: replies written and not sent (kept sealed in the store, shown to their author only)

draft-offer = You keep a draft of a reply to ticket { $id }, saved { $when }. Resume it? (no: start anew; the draft is replaced by the new reply)
draft-returned = { $name } returned it from review: { $reason }
draft-none = you keep no draft of a reply to ticket { $id } (`ticket drafts` lists yours)
draft-replaced = Your draft of a reply to ticket { $id } is replaced by this reply if it is kept or sent (--resume continues the draft instead).
draft-discarded = Your draft of a reply to ticket { $id } was discarded.
draft-nothing-to-discard = You keep no draft of a reply to ticket { $id }; nothing changed.
draft-kept = Not sent. Kept as your draft: `ticket reply { $id }` offers it again (--resume off a terminal).
draft-kept-resume = Your reply is kept as a draft: `ticket reply { $id } --resume` continues it.
draft-unreachable = The service cannot be reached, so the reply was neither sent nor kept as a draft: ticket writes nothing of it to this computer's disk.
draft-unreachable-text = Its text follows: copy it before you close this terminal.
drafts-none = You keep no drafts.
column-saved = SAVED
column-first-line = FIRST LINE
editor-draft-resumed = Your draft, saved { $when }.
inbox-kept-as-draft = Not sent. Kept as your draft: `ticket reply { $id }` resumes it.

## A second reader: replies that wait for a supervisor

reply-held = Reply to ticket { $id } held for a supervisor's review (`ticket review`): it leaves once another supervisor approves it.
done-held-for-review = Reply to ticket { $id } waits for a supervisor's review: it leaves once approved.
review-none = No reply waits for review.
column-author = AUTHOR
review-show-header = Reply by { $author } to ticket { $id }, handed in { $when }:
review-not-sent = Not sent: the reply still waits for review.
review-returned = The reply to ticket { $id } went back to its author as a draft, with your reason.
review-unverified = ticket { $id }: our mail server did not verify who sent it, so the reply could reach someone who never wrote; nothing was sent. Read `ticket show { $id }`, and approve it only if you are sure: add --unverified beside --yes
