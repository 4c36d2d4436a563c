//go:build !linux

package localstack

import "os/exec"

func setProcAttr(cmd *exec.Cmd) {}
