// The published test vectors of sls-protocol.md §5.3 and §6, computed there with two
// independent implementations.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SignableRequest } from '../../../src/sls/signing/request.js';
import { signV1, v1Signature, v1StringToSign } from '../../../src/sls/signing/v1.js';
import { signV4, v4Signature } from '../../../src/sls/signing/v4.js';

const KEY = { accessKeyId: 'testAccessKeyId', accessKeySecret: 'testAccessKeySecret' };
const DATE = 'Mon, 02 Jan 2006 15:04:05 GMT';
const NOW = new Date('2006-01-02T15:04:05Z');
const CURSOR = 'MTcyOTA3MDYxODQyODA0NDY1NQ==';

function pullLogsRequest(headers: Record<string, string>): SignableRequest {
  return {
    method: 'GET',
    path: '/logstores/my-logstore/shards/0',
    query: { type: 'log', cursor: CURSOR, count: '1000' },
    headers,
  };
}

function heartbeatRequest(headers: Record<string, string>): SignableRequest {
  return {
    method: 'POST',
    path: '/logstores/my-logstore/consumergroups/my-cg',
    query: { type: 'heartbeat', consumer: 'c-1' },
    headers,
    body: Buffer.from('[0,1]'),
  };
}

const V1_HEADERS = { 'x-log-apiversion': '0.6.0', 'x-log-bodyrawsize': '0', 'x-log-signaturemethod': 'hmac-sha1' };

describe('signature v1 (§5.3)', () => {
  it('builds the PullLogs string to sign and signature', () => {
    const req = pullLogsRequest({ date: DATE, ...V1_HEADERS });
    const text = v1StringToSign(req);
    expect(text).toBe(
      `GET\n\n\n${DATE}\nx-log-apiversion:0.6.0\nx-log-bodyrawsize:0\nx-log-signaturemethod:hmac-sha1\n` +
        `/logstores/my-logstore/shards/0?count=1000&cursor=${CURSOR}&type=log`,
    );
    expect(v1Signature(text, KEY.accessKeySecret)).toBe('mUpEhVb/8gefbbXnPcCGt8aOBSs=');
  });

  it('builds the heartbeat string to sign and signature', () => {
    const req = heartbeatRequest({
      date: DATE,
      'content-type': 'application/json',
      'content-md5': 'CCFCD347D0BF65DC77AFE01A3306A96B',
      ...V1_HEADERS,
    });
    const text = v1StringToSign(req);
    expect(text).toBe(
      `POST\nCCFCD347D0BF65DC77AFE01A3306A96B\napplication/json\n${DATE}\n` +
        'x-log-apiversion:0.6.0\nx-log-bodyrawsize:0\nx-log-signaturemethod:hmac-sha1\n' +
        '/logstores/my-logstore/consumergroups/my-cg?consumer=c-1&type=heartbeat',
    );
    expect(v1Signature(text, KEY.accessKeySecret)).toBe('K+Bm3AGvrei8LL2axCLNIcNjUf4=');
  });

  it('signV1 sets Date, Content-MD5 and Authorization to the vector values', () => {
    const req = heartbeatRequest({ 'content-type': 'application/json', 'x-log-bodyrawsize': '0' });
    signV1(req, KEY, NOW);
    expect(req.headers).toMatchObject({
      date: DATE,
      'content-md5': 'CCFCD347D0BF65DC77AFE01A3306A96B',
      'x-log-apiversion': '0.6.0',
      'x-log-signaturemethod': 'hmac-sha1',
      authorization: 'LOG testAccessKeyId:K+Bm3AGvrei8LL2axCLNIcNjUf4=',
    });
  });

  it('leaves x-log-date out of the signature, so adding it after signing keeps the request valid', () => {
    const req = pullLogsRequest({ 'x-log-bodyrawsize': '0' });
    signV1(req, KEY, NOW);
    expect(req.headers['x-log-date']).toBe(DATE);
    expect(req.headers.authorization).toBe('LOG testAccessKeyId:mUpEhVb/8gefbbXnPcCGt8aOBSs=');
  });

  it('uses the date line it is given instead of the Date header (verification against x-log-date)', () => {
    const req = pullLogsRequest({ date: 'Tue, 03 Jan 2006 00:00:00 GMT', ...V1_HEADERS });
    expect(v1Signature(v1StringToSign(req, DATE), KEY.accessKeySecret)).toBe('mUpEhVb/8gefbbXnPcCGt8aOBSs=');
  });

  it('signs with HMAC-SHA256 when the request asks for hmac-sha256, and the SHA-1 signature no longer matches', () => {
    const req = pullLogsRequest({ 'x-log-bodyrawsize': '0', 'x-log-signaturemethod': 'hmac-sha256' });
    signV1(req, KEY, NOW);
    expect(req.headers['x-log-signaturemethod']).toBe('hmac-sha256');
    const signature = req.headers.authorization?.split(':')[1];
    expect(Buffer.from(signature ?? '', 'base64')).toHaveLength(32);
    expect(signature).toBe(v1Signature(v1StringToSign(req), KEY.accessKeySecret, 'hmac-sha256'));
    expect(signature).not.toBe(v1Signature(v1StringToSign(req), KEY.accessKeySecret, 'hmac-sha1'));
  });

  it('signs an STS token as x-acs-security-token', () => {
    const req = pullLogsRequest({ 'x-log-bodyrawsize': '0' });
    signV1(req, { ...KEY, securityToken: 'sts-token' }, NOW);
    expect(req.headers['x-acs-security-token']).toBe('sts-token');
    expect(v1StringToSign(req)).toContain('\nx-acs-security-token:sts-token\nx-log-apiversion:0.6.0\n');
  });
});

describe('signature v4 (§6)', () => {
  const V4_HEADERS = {
    'x-log-date': '20060102T150405Z',
    host: 'my-project.cn-hangzhou.log.aliyuncs.com',
    'x-log-apiversion': '0.6.0',
    'x-log-bodyrawsize': '0',
    'x-log-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  };
  const SIGNATURE = '18535c101b362fc8a47fedab556fdcdbf08dbe618d24db7771e786acd0649b2f';

  it('computes the PullLogs vector signature', () => {
    expect(v4Signature(pullLogsRequest({ ...V4_HEADERS }), KEY.accessKeySecret, 'cn-hangzhou')).toBe(SIGNATURE);
  });

  it('signV4 sets x-log-date, the body hash and an Authorization with the scoped credential', () => {
    const req = pullLogsRequest({ host: V4_HEADERS.host, 'x-log-bodyrawsize': '0' });
    signV4(req, KEY, 'cn-hangzhou', NOW);
    expect(req.headers).toMatchObject(V4_HEADERS);
    expect(req.headers.authorization).toBe(
      `SLS4-HMAC-SHA256 Credential=testAccessKeyId/20060102/cn-hangzhou/sls/aliyun_v4_request,Signature=${SIGNATURE}`,
    );
  });

  it('signs the Host header and the region, unlike v1', () => {
    const req = pullLogsRequest({ ...V4_HEADERS });
    expect(v4Signature({ ...req, headers: { ...V4_HEADERS, host: 'other.cn-hangzhou.log.aliyuncs.com' } }, KEY.accessKeySecret, 'cn-hangzhou')).not.toBe(SIGNATURE);
    expect(v4Signature(req, KEY.accessKeySecret, 'cn-shanghai')).not.toBe(SIGNATURE);
  });

  it('hashes the body it sends, and a changed body changes the signature', () => {
    const req = heartbeatRequest({ host: V4_HEADERS.host, 'content-type': 'application/json' });
    signV4(req, KEY, 'cn-hangzhou', NOW);
    expect(req.headers['x-log-content-sha256']).toBe(createHash('sha256').update('[0,1]').digest('hex'));
    const tampered = { ...req, headers: { ...req.headers, 'x-log-content-sha256': V4_HEADERS['x-log-content-sha256'] } };
    expect(v4Signature(tampered, KEY.accessKeySecret, 'cn-hangzhou')).not.toBe(v4Signature(req, KEY.accessKeySecret, 'cn-hangzhou'));
  });
});
