-- 分单 (Quzhou: 党委派单、科室接单、干部分单): the holder of an accepted dispatched task
-- splits it into shares for colleagues of the unit. A share is a task of its own,
-- dispatched to the colleague (who accepts it, 接单), pointing at the task it came from.
ALTER TABLE tasks ADD COLUMN parent_id INTEGER REFERENCES tasks (id);
CREATE INDEX tasks_parent ON tasks (parent_id) WHERE parent_id IS NOT NULL;
