# Prints the CloudFormation template AWS SAM deploys for a SAM template:
# the real translator (python3's samtranslator, which cfn-lint depends on),
# run offline. Exit status 3 means the translator is not installed.
import json
import os
import sys

try:
    from samtranslator.parser.parser import Parser
    from samtranslator.public.exceptions import InvalidDocumentException
    from samtranslator.translator.translator import Translator
    from samtranslator.yaml_helper import yaml_parse
except ImportError as e:
    print(f"aws-sam-translator is not installed for {sys.executable}: {e}", file=sys.stderr)
    sys.exit(3)

# The translator builds ARNs for a region; any region where SES receives
# email will do.
os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")

with open(sys.argv[1], encoding="utf-8") as f:
    template = yaml_parse(f.read())
# `sam build` replaces the local CodeUri with an S3 location; the translator
# refuses a local path, so stand in for that step.
for resource in template.get("Resources", {}).values():
    if resource.get("Type") == "AWS::Serverless::Function":
        resource.setdefault("Properties", {})["CodeUri"] = "s3://upward-build/function.zip"

try:
    out = Translator(managed_policy_map={}, sam_parser=Parser()).translate(
        sam_template=template, parameter_values={}
    )
except InvalidDocumentException as e:
    for cause in e.causes:
        print(cause.message, file=sys.stderr)
    sys.exit(1)
json.dump(out, sys.stdout, indent=1, default=str)
