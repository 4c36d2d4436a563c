package localstack

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
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
