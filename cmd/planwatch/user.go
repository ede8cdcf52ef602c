package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"planwatch"
	"planwatch/web"
)

// minPasswordLen is the shortest password accepted (NIST SP 800-63B asks for
// at least 8 characters of a password chosen by the user).
const minPasswordLen = 8

// cmdUser manages accounts:
//
//	planwatch user add --role admin|planner|reporter|viewer [--units 178,180] [--sectors S] [--indicators a,b] NAME
//	planwatch user set [--role R] [--units …] [--sectors …] [--indicators …] NAME
//	planwatch user set-password NAME
//	planwatch user list
//	planwatch user disable NAME | enable NAME
//
// Passwords are read from standard input (a prompt on a terminal), never
// from a flag, which would leave them in the shell history and in ps. Every
// change is audited, and a password change or disabling ends the user's
// sessions.
func cmdUser(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return errors.New("cách dùng / usage: planwatch user add|set|set-password|list|disable|enable [--db PATH] …")
	}
	sub := args[0]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	db := fs.String("db", "", "cơ sở dữ liệu / database (default $PLANWATCH_DB or "+defaultDB+")")
	by := fs.String("by", "", "người thực hiện / who makes the change (default $USER)")
	role := fs.String("role", "", "vai trò / role: admin, planner, reporter, viewer")
	units := fs.String("units", "", "đơn vị được nhập, cách nhau bởi dấu phẩy / units a reporter may write (comma-separated; empty: all)")
	sectors := fs.String("sectors", "", "lĩnh vực / sectors a reporter may write (comma-separated)")
	inds := fs.String("indicators", "", "chỉ tiêu / indicators a reporter may write (comma-separated)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	raw := strings.TrimSpace(fs.Arg(0))
	name := raw
	planwatch.NFC(&name) // as account names are kept (Account.Validate)
	// Everything about the command line is checked before the store is opened.
	switch sub {
	case "list":
		if err := noArgs(fs); err != nil {
			return err
		}
	case "add", "set", "set-password", "disable", "enable":
		if name == "" || fs.NArg() != 1 {
			return fmt.Errorf("cần đúng một tên tài khoản / give exactly one account name: planwatch user %s NAME", sub)
		}
	default:
		return fmt.Errorf("lệnh con không rõ / unknown subcommand %q: add, set, set-password, list, disable or enable", sub)
	}
	if sub == "add" {
		check := planwatch.Account{Name: name, Role: *role}
		if err := check.Validate(); err != nil {
			return err
		}
	} else if set["role"] {
		check := planwatch.Account{Role: *role}
		if err := check.ValidateRole(); err != nil { // an existing account keeps its name
			return err
		}
	}
	s, err := openStore(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	as, ok := s.(planwatch.AccountStore)
	if !ok {
		return errors.New("kho dữ liệu không hỗ trợ tài khoản / this store keeps no accounts")
	}
	if sub != "add" && sub != "list" && raw != name {
		// An account named before names were kept in NFC is found as typed.
		if _, err := as.Account(ctx, name); planwatch.ErrorCode(err) == planwatch.ENOTFOUND {
			if _, err := as.Account(ctx, raw); err == nil {
				name = raw
			}
		}
	}
	who := user(env, *by)
	audit := func(action string) planwatch.AuditEntry {
		return planwatch.AuditEntry{By: who, From: "cli", Action: action, Entity: "user/" + name, At: env.Now()}
	}
	switch sub {
	case "add":
		a := planwatch.Account{Name: name, Role: *role, Units: splitCodes(*units), Sectors: splitCodes(*sectors), Indicators: splitCodes(*inds), Created: env.Now()}
		if err := a.Validate(); err != nil {
			return err
		}
		if a.PasswordHash, err = readNewPassword(env, name); err != nil {
			return err
		}
		if err := as.CreateAccount(ctx, a); err != nil {
			return err
		}
		e := audit("user.add")
		e.New = planwatch.AccountText(a)
		if err := s.RecordAudit(ctx, e); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Đã tạo tài khoản / account created: %s (%s)\n", a.Name, a.Role)
	case "set", "set-password", "disable", "enable":
		// Only the fields the command names, the sessions ended and the
		// audit entry, in one transaction: a change made meanwhile on the
		// accounts page stays.
		c := planwatch.AccountChange{Name: name, EndSessions: sub != "enable", Audit: audit("user." + sub)}
		switch sub {
		case "set":
			if set["role"] {
				c.Role = role
			}
			for _, x := range []struct {
				flag  string
				value string
				field **[]string
			}{{"units", *units, &c.Units}, {"sectors", *sectors, &c.Sectors}, {"indicators", *inds, &c.Indicators}} {
				if set[x.flag] {
					codes := splitCodes(x.value)
					*x.field = &codes
				}
			}
		case "set-password":
			c.Audit.Action = "user.password"
			if _, err := as.Account(ctx, name); err != nil {
				return err // before asking for a password
			}
			hash, err := readNewPassword(env, name)
			if err != nil {
				return err
			}
			c.PasswordHash = &hash
		case "disable", "enable":
			off := sub == "disable"
			c.Disabled = &off
		}
		if _, _, err := as.ChangeAccount(ctx, c); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Đã cập nhật tài khoản / account updated: %s\n", name)
	case "list":
		list, err := as.Accounts(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "TÊN/NAME\tVAI TRÒ/ROLE\tĐƠN VỊ/UNITS\tLĨNH VỰC/SECTORS\tCHỈ TIÊU/INDICATORS\tTRẠNG THÁI/STATUS")
		for _, a := range list {
			status := "active"
			if a.Disabled {
				status = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", a.Name, a.Role, orAll(a.Units), orAll(a.Sectors), orAll(a.Indicators), status)
		}
		return tw.Flush()
	default:
		return fmt.Errorf("lệnh con không rõ / unknown subcommand %q: add, set, set-password, list, disable, enable", sub)
	}
	return nil
}

// accountText is how an account reads in the audit trail: role, scopes and
// state, never the hash (a password change is the action user.password).

func splitCodes(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func orAll(ss []string) string {
	if len(ss) == 0 {
		return "*"
	}
	return strings.Join(ss, ",")
}

// readNewPassword reads a password from standard input: on a terminal it
// prompts twice with echo off; otherwise it reads the first line (for
// scripts: echo "$PW" | planwatch user add …).
func readNewPassword(env *Env, name string) (string, error) {
	var pw string
	if f, ok := env.Stdin.(*os.File); ok && isTerminal(f) {
		first, err := promptPassword(env, f, fmt.Sprintf("Mật khẩu cho / password for %s: ", name))
		if err != nil {
			return "", err
		}
		again, err := promptPassword(env, f, "Nhập lại / again: ")
		if err != nil {
			return "", err
		}
		if first != again {
			return "", errors.New("hai lần nhập không khớp / the passwords do not match")
		}
		pw = first
	} else {
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	if len([]rune(pw)) < minPasswordLen {
		return "", fmt.Errorf("mật khẩu cần ít nhất %d ký tự (đọc từ đầu vào chuẩn) / the password needs at least %d characters (read from standard input)", minPasswordLen, minPasswordLen)
	}
	return web.HashPassword(pw)
}

func promptPassword(env *Env, f *os.File, prompt string) (string, error) {
	fmt.Fprint(env.Stderr, prompt)
	restore := noEcho(f)
	line, err := bufio.NewReader(f).ReadString('\n')
	restore()
	fmt.Fprintln(env.Stderr)
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
