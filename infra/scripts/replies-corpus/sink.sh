#!/bin/sh
# sendmail for the drivers: keep the message, send nothing.
# sink.sh OUTFILE [recipients...] < message
cat > "$1"
