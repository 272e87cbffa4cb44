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
