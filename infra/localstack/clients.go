package localstack

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// AWSConfig is the SDK configuration for talking to the emulators: a fixed
// region and dummy static credentials, so nothing from the operator's real
// AWS profile is ever used (or leaked) locally.
func AWSConfig(ctx context.Context) (aws.Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")),
	)
	if err != nil {
		return aws.Config{}, fmt.Errorf("local aws config: %w", err)
	}
	return cfg, nil
}

// DynamoDB returns a real SDK client pointed at a dynalite URL.
func DynamoDB(cfg aws.Config, url string) *dynamodb.Client {
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(url) })
}

// SES returns a real SDK client pointed at an aws-ses-v2-local URL.
func SES(cfg aws.Config, url string) *sesv2.Client {
	return sesv2.NewFromConfig(cfg, func(o *sesv2.Options) { o.BaseEndpoint = aws.String(url) })
}

// SQS returns a real SDK client pointed at the SQS emulator's URL.
func SQS(cfg aws.Config, url string) *sqs.Client {
	return sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = aws.String(url) })
}

// S3 returns a real SDK client pointed at the S3 emulator's URL, with
// paths for buckets (the emulator has no per-bucket host names).
func S3(cfg aws.Config, url string) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(url)
		o.UsePathStyle = true
	})
}

// SecretsManager returns a real SDK client pointed at the Secrets Manager
// stand-in's URL.
func SecretsManager(cfg aws.Config, url string) *secretsmanager.Client {
	return secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) { o.BaseEndpoint = aws.String(url) })
}
