package rie

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts the emulator and the function it starts in a process
// group of their own, which dies with the test binary.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
}

// killGroup ends the emulator and the function process it started.
func killGroup(cmd *exec.Cmd) {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
