package config

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/upward-mentoring/upward/shared/token"
)

// SecretsAPI is the part of the Secrets Manager client used here.
type SecretsAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

var _ SecretsAPI = (*secretsmanager.Client)(nil)

// HMACKeys reads the signing keys for reply tokens and links from a Secrets
// Manager secret: one key per line, the current key first, so an operator
// rotates by putting a new line on top and removing the old one later.
func HMACKeys(ctx context.Context, sm SecretsAPI, secretID string) ([][]byte, error) {
	out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(secretID)})
	if err != nil {
		return nil, fmt.Errorf("read HMAC secret %s: %w", secretID, err)
	}
	var keys [][]byte
	for _, line := range strings.Split(aws.ToString(out.SecretString), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			keys = append(keys, []byte(line))
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("HMAC secret %s is empty", secretID)
	}
	return keys, nil
}

// Signer builds the token signer from the keys in a Secrets Manager secret.
func Signer(ctx context.Context, sm SecretsAPI, secretID string) (*token.Signer, error) {
	keys, err := HMACKeys(ctx, sm, secretID)
	if err != nil {
		return nil, err
	}
	return token.NewSigner(keys...)
}

// SecretString reads a Secrets Manager secret as one value (surrounding
// space trimmed), such as the identity provider's client secret.
func SecretString(ctx context.Context, sm SecretsAPI, secretID string) (string, error) {
	out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(secretID)})
	if err != nil {
		return "", fmt.Errorf("read secret %s: %w", secretID, err)
	}
	v := strings.TrimSpace(aws.ToString(out.SecretString))
	if v == "" {
		return "", fmt.Errorf("secret %s is empty", secretID)
	}
	return v, nil
}
