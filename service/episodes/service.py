"""What the episode endpoints and pages call: each command of `commands` as one committed unit of work.

`commands` appends inside the caller's transaction (the demo loader batches many
commands in one); these commit, then refresh the episode's derived state.
"""

from __future__ import annotations

from service.episodes import commands
from service.unit_of_work import unit_of_work

open_episode = unit_of_work(commands.open_episode)
assign_worker = unit_of_work(commands.assign_worker)
unassign_worker = unit_of_work(commands.unassign_worker)
set_goal = unit_of_work(commands.set_goal)
revise_goal = unit_of_work(commands.revise_goal)
withdraw_goal = unit_of_work(commands.withdraw_goal)
close_episode = unit_of_work(commands.close_episode)
record_follow_up = unit_of_work(commands.record_follow_up)
acknowledge_flag = unit_of_work(commands.acknowledge_flag)
