// AWSGuard, every rule mandatory. Plain JavaScript, so that the pack starts without compiling
// @pulumi/aws's type declarations.
"use strict";
const { AwsGuard } = require("@pulumi/awsguard");

new AwsGuard({ all: "mandatory" });
