-- 010: an account whose password an administrator set (a one-time password
-- made on the accounts page) must choose its own at its next sign-in
-- (issue 13, part 6), as in the sqlite engine.

ALTER TABLE accounts ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
