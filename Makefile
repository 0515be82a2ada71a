# Installs jlvs from this source tree:  make && sudo make install  (PREFIX=/usr/local, DESTDIR for staging).
# `make` builds with Maven (as ./jlvs does on first use); `make install` copies the built jars, launchers
# that run them (and never build), the systemd unit, /etc/default/jlvs, bash completion and man pages.

PREFIX      ?= /usr/local
SBINDIR     ?= $(PREFIX)/sbin
LIBDIR      ?= $(PREFIX)/lib/jlvs
MANDIR      ?= $(PREFIX)/share/man
DOCDIR      ?= $(PREFIX)/share/doc/jlvs
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR     ?= /lib/systemd/system
SYSCONFDIR  ?= /etc
DESTDIR     ?=

# What `install` builds first; `make install BUILD=` installs jars built elsewhere (JARS=...).
BUILD ?= build
# The jars to install: jlvs-cli and its runtime dependencies. Expanded after BUILD has run.
JARS ?= $(wildcard jlvs-cli/target/jlvs-cli-*.jar) $(wildcard jlvs-cli/target/lib/*.jar)

INSTALL ?= install
JDK_SH  := scripts/jdk.sh
# The java found the way the launchers find it (JAVA_HOME, else /usr/lib/jvm).
JAVA     = $(shell bash -c '. $(JDK_SH) && jlvs_find_jdk && echo "$$JLVS_JDK/bin/java"')
empty :=
space := $(empty) $(empty)

.PHONY: all build install uninstall

all: build

build:
	bash -c '. $(JDK_SH) && jlvs_find_jdk && jlvs_ensure_built "$(CURDIR)"'

install: $(BUILD)
	@test -n "$(strip $(JARS))" || { echo "make: no jars to install; run make first" >&2; exit 1; }
	$(INSTALL) -d "$(DESTDIR)$(LIBDIR)" "$(DESTDIR)$(SBINDIR)" "$(DESTDIR)$(MANDIR)/man8" \
	  "$(DESTDIR)$(BASHCOMPDIR)" "$(DESTDIR)$(UNITDIR)" "$(DESTDIR)$(SYSCONFDIR)/default" \
	  "$(DESTDIR)$(SYSCONFDIR)/jlvs" "$(DESTDIR)$(DOCDIR)"
	rm -f "$(DESTDIR)$(LIBDIR)"/*.jar
	$(INSTALL) -m 0644 $(JARS) "$(DESTDIR)$(LIBDIR)/"
	$(INSTALL) -m 0644 $(JDK_SH) "$(DESTDIR)$(LIBDIR)/jdk.sh"
	for p in jlvs jlvsadm; do \
	  sed 's#@LIBDIR@#$(LIBDIR)#' dist/bin/$$p > "$(DESTDIR)$(SBINDIR)/$$p" && chmod 0755 "$(DESTDIR)$(SBINDIR)/$$p"; \
	done
	$(INSTALL) -m 0644 dist/man/jlvs.8 dist/man/jlvsadm.8 "$(DESTDIR)$(MANDIR)/man8/"
	"$(JAVA)" -cp "$(subst $(space),:,$(strip $(JARS)))" picocli.AutoComplete --force -n jlvs \
	  -o "$(DESTDIR)$(BASHCOMPDIR)/jlvs" io.jlvs.cli.JlvsMain
	chmod 0644 "$(DESTDIR)$(BASHCOMPDIR)/jlvs"
	$(INSTALL) -m 0644 dist/completion/jlvsadm "$(DESTDIR)$(BASHCOMPDIR)/jlvsadm"
	sed 's#/usr/local/sbin/#$(SBINDIR)/#g' dist/jlvs.service > "$(DESTDIR)$(UNITDIR)/jlvs.service"
	chmod 0644 "$(DESTDIR)$(UNITDIR)/jlvs.service"
	test -e "$(DESTDIR)$(SYSCONFDIR)/default/jlvs" || \
	  $(INSTALL) -m 0644 dist/jlvs.default "$(DESTDIR)$(SYSCONFDIR)/default/jlvs"
	test -e "$(DESTDIR)$(SYSCONFDIR)/jlvs/keepalived.conf" || \
	  $(INSTALL) -m 0644 dist/etc/keepalived.conf "$(DESTDIR)$(SYSCONFDIR)/jlvs/keepalived.conf"
	$(INSTALL) -m 0644 docs/operations.md "$(DESTDIR)$(DOCDIR)/"
	@echo "installed; under systemd: systemctl daemon-reload && systemctl enable --now jlvs"

# Leaves /etc/default/jlvs and /etc/jlvs alone: they hold the administrator's settings.
uninstall:
	rm -f "$(DESTDIR)$(SBINDIR)/jlvs" "$(DESTDIR)$(SBINDIR)/jlvsadm"
	rm -rf "$(DESTDIR)$(LIBDIR)" "$(DESTDIR)$(DOCDIR)"
	rm -f "$(DESTDIR)$(MANDIR)/man8/jlvs.8" "$(DESTDIR)$(MANDIR)/man8/jlvsadm.8"
	rm -f "$(DESTDIR)$(BASHCOMPDIR)/jlvs" "$(DESTDIR)$(BASHCOMPDIR)/jlvsadm"
	rm -f "$(DESTDIR)$(UNITDIR)/jlvs.service"

