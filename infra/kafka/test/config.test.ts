import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadBrokerConfig } from '../config.ts';
import { BrokerError } from '../errors.ts';
import { serverProperties } from '../properties.ts';

test('defaults put the broker on 127.0.0.1:19092 with the controller on the next port', () => {
  const config = loadBrokerConfig({});
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.port, 19092);
  assert.equal(config.controllerPort, 19093);
  assert.ok(Object.isFrozen(config));
});

test('a bad port value is rejected with an error naming the variable', () => {
  assert.throws(
    () => loadBrokerConfig({ KAFKA_PORT: '70000' }),
    (e: unknown) => {
      assert.ok(e instanceof BrokerError);
      assert.equal(e.code, 'BAD_CONFIG');
      assert.match(e.message, /KAFKA_PORT=70000/);
      return true;
    },
  );
  assert.throws(() => loadBrokerConfig({ KAFKA_PORT: '20000', KAFKA_CONTROLLER_PORT: '20000' }), /must differ/);
});

test('server.properties describes one combined KRaft node listening on loopback only', () => {
  const props = serverProperties(loadBrokerConfig({ KAFKA_PORT: '20000', KAFKA_STATE_DIR: '/tmp/k' }));
  assert.match(props, /^process\.roles=broker,controller$/m);
  assert.match(props, /^listeners=PLAINTEXT:\/\/127\.0\.0\.1:20000,CONTROLLER:\/\/127\.0\.0\.1:20001$/m);
  assert.match(props, /^controller\.quorum\.voters=1@127\.0\.0\.1:20001$/m);
  assert.match(props, /^log\.dirs=\/tmp\/k\/data$/m);
  assert.match(props, /^auto\.create\.topics\.enable=false$/m);
});
