package localstack

import (
	"os/exec"
	"syscall"
)

// setProcAttr makes the emulator die with the process that started it, so a
// test binary killed by a timeout leaves nothing running behind it.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
}
